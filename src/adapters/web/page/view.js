// @ts-check
import { renderMarkdown } from './render.js';

/**
 * @typedef {{ id: string, name: string, mimeType: string, size: number }} FileRef
 * @typedef {{ kind: 'answer', text: string }
 *   | { kind: 'tool', text: string, files: FileRef[] }
 *   | { kind: 'notice', text: string, tone: string }
 *   | { kind: 'approval', approvalId: string, tool: string, arguments: string, expiresAt: number, outcome?: string }
 *   | { kind: 'file', file: FileRef }} WebMessage
 * @typedef {{ fileUrl: (file: FileRef) => string, decide: (approvalId: string, approve: boolean) => void }} ViewActions
 */

const TONE = /** @type {Record<string, string>} */ ({
  info: 'ℹ️',
  warning: '⚠️',
  stopped: '⏹️',
  file: '📎',
  plain: '',
});
const PICTURES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/**
 * @param {string} tag
 * @param {string} [className]
 * @param {string} [text]
 */
export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** @param {number} bytes */
const size = (bytes) =>
  bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * A download link for a file.
 * @param {FileRef} file
 * @param {ViewActions} actions
 */
function downloadLink(file, actions) {
  const link = /** @type {HTMLAnchorElement} */ (
    element('a', 'download', `⬇ ${file.name} (${size(file.size)})`)
  );
  link.href = actions.fileUrl(file);
  link.download = file.name;
  return link;
}

/**
 * The content of one message of the conversation, filled into `body` (its list item's inner part).
 * @param {HTMLElement} body
 * @param {WebMessage} message
 * @param {string} id
 * @param {ViewActions} actions
 */
export function fillMessage(body, message, id, actions) {
  body.replaceChildren();
  switch (message.kind) {
    case 'answer': {
      const text = element('div', 'markdown');
      renderMarkdown(text, message.text, `m-${id}`);
      body.append(text);
      return;
    }
    case 'tool':
      return fillTool(body, message, id, actions);
    case 'notice':
      body.append(
        element('p', `notice tone-${message.tone}`, `${TONE[message.tone] ?? ''} ${message.text}`.trim()),
      );
      return;
    case 'approval':
      return fillApproval(body, message, actions);
    case 'file': {
      const { file } = message;
      if (!PICTURES.has(file.mimeType)) {
        body.append(downloadLink(file, actions));
        return;
      }
      const figure = element('figure', 'picture');
      const image = /** @type {HTMLImageElement} */ (element('img'));
      image.src = actions.fileUrl(file);
      image.alt = `Picture made by the assistant: ${file.name}`;
      image.loading = 'lazy';
      const caption = element('figcaption');
      caption.append(downloadLink(file, actions));
      figure.append(image, caption);
      body.append(figure);
    }
  }
}

/**
 * A tool call: one line, or its first line as the summary of a block that opens to show the code and
 * output.
 * @param {HTMLElement} body
 * @param {Extract<WebMessage, { kind: 'tool' }>} message
 * @param {string} id
 * @param {ViewActions} actions
 */
function fillTool(body, message, id, actions) {
  const [first = '', ...rest] = message.text.split('\n');
  const files = message.files.map((file) => downloadLink(file, actions));
  if (rest.length === 0) {
    const line = element('div', 'markdown tool-line');
    renderMarkdown(line, first, `m-${id}`);
    body.append(line, ...files);
    return;
  }
  const details = element('details', 'tool');
  const summary = element('summary', undefined, first.replace(/\*\*/g, ''));
  const content = element('div', 'markdown');
  renderMarkdown(content, rest.join('\n'), `m-${id}`);
  details.append(summary, content, ...files);
  body.append(details);
}

/**
 * A tool call waiting for a decision, with Approve and Deny; the outcome once decided.
 * @param {HTMLElement} body
 * @param {Extract<WebMessage, { kind: 'approval' }>} message
 * @param {ViewActions} actions
 */
function fillApproval(body, message, actions) {
  const box = element('section', 'approval');
  box.setAttribute('aria-label', `Approval for ${message.tool}`);
  const intro = element('p');
  intro.append('🔐 The assistant wants to run ', element('code', undefined, message.tool), ' with:');
  const args = element('pre');
  args.append(element('code', 'language-json', message.arguments));
  box.append(intro, args);
  if (message.outcome !== undefined) {
    box.append(element('p', 'outcome', message.outcome.replace(/<@([^>]+)>/g, '@$1')));
  } else {
    const until = new Date(message.expiresAt).toLocaleTimeString();
    const row = element('div', 'approval-buttons');
    const approve = element('button', 'primary', 'Approve');
    const deny = element('button', 'danger', 'Deny');
    for (const [button, yes] of /** @type {const} */ ([
      [approve, true],
      [deny, false],
    ])) {
      button.setAttribute('type', 'button');
      button.setAttribute('aria-label', `${yes ? 'Approve' : 'Deny'} running ${message.tool}`);
      button.addEventListener('click', () => {
        approve.setAttribute('disabled', '');
        deny.setAttribute('disabled', '');
        actions.decide(message.approvalId, yes);
      });
    }
    row.append(approve, deny, element('span', 'muted', `No decision by ${until} counts as a no.`));
    box.append(row);
  }
  body.append(box);
}
