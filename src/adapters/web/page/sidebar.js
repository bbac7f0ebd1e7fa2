// @ts-check
import { api } from './api.js';
import { element } from './view.js';

/** @typedef {{ id: string, title: string, createdAt: number, updatedAt: number }} ConversationRecord */

/** The user's conversations, most recent first: open one, or delete it. */
export class Sidebar {
  /** @type {ConversationRecord[]} */
  conversations = [];
  /** @type {string | undefined} */
  selected;

  /**
   * @param {HTMLUListElement} list
   * @param {{ open: (id: string) => void, removed: (id: string) => void, say: (text: string) => void }} hooks
   */
  constructor(list, hooks) {
    this.list = list;
    this.hooks = hooks;
  }

  async refresh() {
    const { conversations } = await api('GET', 'conversations');
    this.conversations = conversations;
    this.draw();
  }

  /** The title of a conversation ('' untitled), undefined when the list has no such conversation. @param {string | undefined} id */
  title(id) {
    return this.conversations.find((c) => c.id === id)?.title;
  }

  /** @param {string | undefined} id */
  select(id) {
    this.selected = id;
    this.draw();
  }

  draw() {
    this.list.replaceChildren(
      ...this.conversations.map((conversation) => {
        const title = conversation.title || 'New chat';
        const item = element('li', conversation.id === this.selected ? 'selected' : '');
        const open = element('button', 'conversation', title);
        open.setAttribute('type', 'button');
        if (conversation.id === this.selected) open.setAttribute('aria-current', 'page');
        open.addEventListener('click', () => this.hooks.open(conversation.id));
        const remove = element('button', 'delete', 'Delete');
        remove.setAttribute('type', 'button');
        remove.setAttribute('aria-label', `Delete “${title}”`);
        remove.addEventListener('click', async () => {
          if (!confirm(`Delete “${title}”? This cannot be undone.`)) return;
          await api('DELETE', `conversations/${encodeURIComponent(conversation.id)}`);
          await this.refresh();
          this.hooks.removed(conversation.id);
          this.hooks.say(`Deleted “${title}”.`);
        });
        item.append(open, remove);
        return item;
      }),
    );
  }
}
