/**
 * Markdown code fences as Discord and Slack read them: a line of three or more backticks opens a block
 * (an info string after it names the language, and may not hold a backtick, so that "```x```" stays
 * inline code), and a line of at least as many backticks and nothing else closes it.
 */

/** An open code block: what it takes to close it and to open it again. */
export interface Fence {
  /** The backtick run that opened it; closing takes at least as many. */
  marker: string;
  /** The first word of the info string, or empty. */
  language: string;
}

const OPENING = /^ {0,3}(`{3,})([^`]*)$/;
const CLOSING = /^ {0,3}(`{3,})[ \t\r]*$/;

/** The fence open after `line`, given the one open before it. */
export function fenceAfterLine(line: string, open: Fence | undefined): Fence | undefined {
  if (open) {
    const closing = CLOSING.exec(line)?.[1];
    return closing !== undefined && closing.length >= open.marker.length ? undefined : open;
  }
  const opening = OPENING.exec(line);
  if (!opening) return undefined;
  return { marker: opening[1] ?? '```', language: opening[2]?.trim().split(/\s+/)[0] ?? '' };
}

/** The fence still open at the end of `text`, given the one open at its start. */
export function fenceAfter(text: string, open: Fence | undefined = undefined): Fence | undefined {
  let state = open;
  for (const line of text.split('\n')) state = fenceAfterLine(line, state);
  return state;
}

/** Whether every code block `text` opens is closed again. */
export function isFenceBalanced(text: string): boolean {
  return fenceAfter(text) === undefined;
}

/** One line of a text, with the fence open before and after it. */
export interface FenceLine {
  start: number;
  /** Index of the line's `\n`, or the text's length. */
  end: number;
  before: Fence | undefined;
  after: Fence | undefined;
}

/** The lines of `text` that start at or before `limit`, with their fence state. */
export function fenceLines(text: string, open: Fence | undefined, limit: number): FenceLine[] {
  const lines: FenceLine[] = [];
  let state = open;
  for (let start = 0; start <= Math.min(limit, text.length); ) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    const after = fenceAfterLine(text.slice(start, end), state);
    lines.push({ start, end, before: state, after });
    state = after;
    if (newline === -1) break;
    start = newline + 1;
  }
  return lines;
}
