// @ts-check

/** Where the web chat lives on its server (`/chat`). */
export const BASE = document.documentElement.dataset.base ?? '';

/** A request the server refused, with its line for the person. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** @type {() => void} */
let onSignedOut = () => undefined;

/** What to do when the server asks for a token (401). @param {() => void} handler */
export function whenSignedOut(handler) {
  onSignedOut = handler;
}

/**
 * Calls the API. Every write carries the header that tells the server it comes from this page.
 * @param {string} method
 * @param {string} path below `<base>/api/`
 * @param {{ json?: unknown, body?: Blob, type?: string }} [send]
 * @returns {Promise<any>}
 */
export async function api(method, path, send = {}) {
  /** @type {Record<string, string>} */
  const headers = {};
  if (method !== 'GET') headers['x-threadloom'] = '1';
  let body;
  if (send.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(send.json);
  } else if (send.body !== undefined) {
    headers['content-type'] = send.type || 'application/octet-stream';
    body = send.body;
  }
  const response = await fetch(`${BASE}/api/${path}`, { method, headers, body, credentials: 'same-origin' });
  const data = await response.json().catch(() => ({}));
  if (response.status === 401) onSignedOut();
  if (!response.ok && response.status !== 413)
    throw new ApiError(response.status, data.error ?? response.statusText);
  return data;
}

/**
 * A conversation's file, as the page links it.
 * @param {string} conversation
 * @param {{ id: string }} file
 */
export function fileUrl(conversation, file) {
  return `${BASE}/api/conversations/${encodeURIComponent(conversation)}/files/${encodeURIComponent(file.id)}`;
}
