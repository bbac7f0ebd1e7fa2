// @ts-check
import { api } from './api.js';
import { element } from './view.js';

/**
 * The files waiting to be sent with the next message: each is announced to the server (which may
 * refuse its type or size at once, before any byte is sent), then its bytes are uploaded.
 */
export class Attachments {
  /** @type {{ file: File, item: HTMLLIElement }[]} */
  files = [];

  /** @param {HTMLUListElement} list */
  constructor(list) {
    this.list = list;
  }

  /** @param {Iterable<File>} files */
  add(files) {
    for (const file of files) {
      const item = /** @type {HTMLLIElement} */ (element('li', 'chip'));
      const remove = element('button', 'link', '✕');
      remove.setAttribute('type', 'button');
      remove.setAttribute('aria-label', `Remove ${file.name}`);
      const entry = { file, item };
      remove.addEventListener('click', () => {
        this.files = this.files.filter((f) => f !== entry);
        item.remove();
      });
      item.append(element('span', undefined, `📎 ${file.name}`), remove);
      this.list.append(item);
      this.files.push(entry);
    }
  }

  /**
   * Uploads the files to `conversation`; resolves with their upload ids (refused ones too: the
   * conversation then says why).
   * @param {string} conversation
   * @returns {Promise<string[]>}
   */
  async upload(conversation) {
    const ids = [];
    const path = `conversations/${encodeURIComponent(conversation)}/uploads`;
    for (const { file } of this.files) {
      const claim = await api('POST', path, { json: { name: file.name, type: file.type, size: file.size } });
      if (claim.refused === undefined) {
        await api('PUT', `${path}/${encodeURIComponent(claim.id)}`, { body: file, type: file.type });
      }
      ids.push(claim.id);
    }
    this.files = [];
    this.list.replaceChildren();
    return ids;
  }
}
