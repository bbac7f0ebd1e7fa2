// @ts-check
import DOMPurify from 'dompurify';
import hljs from 'highlight.js';
import { marked } from 'marked';

/*
 * Markdown that a model or a person wrote, made safe to show: marked turns it into HTML, DOMPurify
 * keeps only inert elements and attributes (no script, no event handlers, no styles, no forms, no
 * pictures from elsewhere, links only to http(s) and mail), highlight.js colours code blocks. The
 * page's Content-Security-Policy is the second wall: even a script that got through would not run.
 */

/** @type {import('dompurify').Config} */
const PURIFY = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'img', 'video', 'audio', 'iframe'],
  FORBID_ATTR: ['style', 'id', 'name'],
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i,
};

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer nofollow');
  }
});
hljs.configure({ ignoreUnescapedHTML: true });

/** Trailing `[n] source` lines: the answer's sources. */
const FOOTNOTE_LINE = /^\[(\d+)\] (.+)$/;

/**
 * Splits an answer into its body and the numbered sources under it.
 * @param {string} text
 * @returns {{ body: string, notes: { n: string, text: string }[] }}
 */
export function splitFootnotes(text) {
  const lines = text.trimEnd().split('\n');
  /** @type {{ n: string, text: string }[]} */
  const notes = [];
  for (let line = lines.at(-1); line !== undefined && FOOTNOTE_LINE.test(line); line = lines.at(-1)) {
    const [, n = '', rest = ''] = FOOTNOTE_LINE.exec(line) ?? [];
    notes.unshift({ n, text: rest });
    lines.pop();
  }
  return { body: lines.join('\n'), notes };
}

/**
 * Sanitised HTML for Markdown, as a fragment.
 * @param {string} markdown
 * @param {boolean} [inline]
 * @returns {DocumentFragment}
 */
function toFragment(markdown, inline = false) {
  // `<@user>` is how answers name people; the page shows it as @user.
  const source = markdown.replace(/<@([\w.@+-]+)>/g, '@$1');
  const html = inline ? marked.parseInline(source, { async: false }) : marked.parse(source, { async: false });
  return /** @type {DocumentFragment} */ (
    /** @type {unknown} */ (DOMPurify.sanitize(String(html), { ...PURIFY, RETURN_DOM_FRAGMENT: true }))
  );
}

/**
 * Renders Markdown into `target`: code highlighted, `[n]` markers linked to the sources listed
 * under it (ids prefixed with `idPrefix`, unique in the page).
 * @param {HTMLElement} target
 * @param {string} markdown
 * @param {string} idPrefix
 */
export function renderMarkdown(target, markdown, idPrefix) {
  const { body, notes } = splitFootnotes(markdown);
  const fragment = toFragment(body);
  for (const code of fragment.querySelectorAll('pre code'))
    hljs.highlightElement(/** @type {HTMLElement} */ (code));
  if (notes.length > 0) {
    linkMarkers(fragment, idPrefix, new Set(notes.map((note) => note.n)));
    const list = document.createElement('ol');
    list.className = 'footnotes';
    list.setAttribute('aria-label', 'Sources');
    for (const note of notes) {
      const item = document.createElement('li');
      item.id = `${idPrefix}-fn-${note.n}`;
      item.value = Number(note.n);
      item.append(toFragment(note.text, true));
      list.append(item);
    }
    fragment.append(list);
  }
  target.replaceChildren(fragment);
}

/**
 * Turns `[n]` in the text (not in code or links) into a superscript link to source n.
 * @param {DocumentFragment} fragment
 * @param {string} idPrefix
 * @param {Set<string>} known
 */
function linkMarkers(fragment, idPrefix, known) {
  const walker = document.createTreeWalker(fragment, NodeFilter.SHOW_TEXT);
  /** @type {Text[]} */
  const texts = [];
  for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
    if (!node.parentElement?.closest('code, pre, a')) texts.push(/** @type {Text} */ (node));
  }
  for (const text of texts) {
    const parts = (text.data ?? '').split(/(\[\d+\])/);
    if (parts.length === 1) continue;
    const replacement = parts.map((part) => {
      const n = /^\[(\d+)\]$/.exec(part)?.[1];
      if (n === undefined || !known.has(n)) return document.createTextNode(part);
      const sup = document.createElement('sup');
      const link = document.createElement('a');
      link.href = `#${idPrefix}-fn-${n}`;
      link.className = 'marker';
      link.textContent = `[${n}]`;
      link.setAttribute('aria-label', `source ${n}`);
      sup.append(link);
      return sup;
    });
    text.replaceWith(...replacement);
  }
}
