// @ts-check
import { element, fillMessage } from './view.js';

/**
 * @typedef {import('./view.js').WebMessage} WebMessage
 * @typedef {import('./view.js').ViewActions} ViewActions
 * @typedef {{ type: 'user', id: string, text: string, files: string[], at: number }
 *   | { type: 'post', id: string, message: WebMessage, at: number }
 *   | { type: 'edit', id: string, message: WebMessage }
 *   | { type: 'append', id: string, delta: string }
 *   | { type: 'remove', id: string }
 *   | { type: 'running', running: boolean }
 *   | { type: 'status', text: string }} WebEvent
 * @typedef {{ item: HTMLLIElement, body: HTMLElement, message: WebMessage }} Shown
 */

/**
 * One conversation on the page, rebuilt from its event log: each event is applied once, in order
 * (the stream's positions make sure of that), so a reload or a reconnect shows exactly what the log
 * holds. Streamed text is drawn at most once a frame.
 */
export class Transcript {
  /** @type {Map<string, Shown>} */
  shown = new Map();
  /** The position of the last event applied. */
  position = 0;
  running = false;
  /** @type {Set<string>} answers whose text changed since they were last drawn */
  dirty = new Set();
  frame = 0;

  /**
   * @param {HTMLOListElement} list
   * @param {ViewActions} actions
   * @param {{ running: (running: boolean) => void, status: (text: string) => void }} hooks
   */
  constructor(list, actions, hooks) {
    this.list = list;
    this.actions = actions;
    this.hooks = hooks;
    list.replaceChildren();
  }

  /**
   * @param {WebEvent} event
   * @param {number} position
   */
  apply(event, position) {
    if (position <= this.position) return;
    this.position = position;
    switch (event.type) {
      case 'user':
        return this.addUser(event);
      case 'post':
        return this.add(event.id, event.message);
      case 'edit': {
        const shown = this.shown.get(event.id);
        if (!shown) return this.add(event.id, event.message);
        shown.message = event.message;
        shown.item.removeAttribute('aria-busy');
        return this.draw(event.id);
      }
      case 'append': {
        const shown = this.shown.get(event.id);
        if (shown?.message.kind !== 'answer') return;
        shown.message = { kind: 'answer', text: shown.message.text + event.delta };
        shown.item.setAttribute('aria-busy', 'true');
        return this.draw(event.id);
      }
      case 'remove':
        this.shown.get(event.id)?.item.remove();
        this.shown.delete(event.id);
        return;
      case 'running':
        this.running = event.running;
        if (!event.running) for (const { item } of this.shown.values()) item.removeAttribute('aria-busy');
        this.hooks.running(event.running);
        if (!event.running) this.hooks.status('');
        return;
      case 'status':
        return this.hooks.status(event.text);
    }
  }

  /** @param {Extract<WebEvent, { type: 'user' }>} event */
  addUser(event) {
    const item = /** @type {HTMLLIElement} */ (element('li', 'message from-user'));
    item.append(element('span', 'visually-hidden', 'You said: '));
    const body = element('div', 'bubble');
    fillMessage(body, { kind: 'answer', text: event.text }, `u-${event.id}`, this.actions);
    if (event.files.length > 0) body.append(element('p', 'attached', `📎 ${event.files.join(', ')}`));
    item.append(body);
    this.list.append(item);
    this.scroll();
  }

  /**
   * @param {string} id
   * @param {WebMessage} message
   */
  add(id, message) {
    const item = /** @type {HTMLLIElement} */ (element('li', `message from-assistant kind-${message.kind}`));
    item.append(element('span', 'visually-hidden', message.kind === 'answer' ? 'Assistant: ' : ''));
    const body = element('div', 'bubble');
    item.append(body);
    this.shown.set(id, { item, body, message });
    fillMessage(body, message, id, this.actions);
    this.list.append(item);
    this.scroll();
  }

  /** @param {string} id */
  draw(id) {
    this.dirty.add(id);
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      for (const dirty of this.dirty) {
        const shown = this.shown.get(dirty);
        if (shown) fillMessage(shown.body, shown.message, dirty, this.actions);
      }
      this.dirty.clear();
      this.scroll();
    });
  }

  /** Keeps the newest message in view while the reader is at the bottom. */
  scroll() {
    const list = this.list;
    if (list.scrollHeight - list.scrollTop - list.clientHeight < 160) list.scrollTop = list.scrollHeight;
  }
}
