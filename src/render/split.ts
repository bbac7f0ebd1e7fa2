import { type Fence, type FenceLine, fenceAfter, fenceAfterLine, fenceLines } from './fences.js';

export { isFenceBalanced } from './fences.js';

/** Below this a chunk could not hold a reopened and closed code block with any code in it. */
export const MIN_SPLIT_LENGTH = 20;

/** A cut at a natural boundary is taken only if the chunk is at least this full; else a lesser boundary. */
const MIN_FILL = 0.5;

/**
 * Boundaries from best to worst: paragraph, line, sentence, word. A chunk ends where a match starts;
 * the match itself is whitespace, dropped. Sentences in CJK scripts end without a space.
 */
const BOUNDARIES: readonly RegExp[] = [
  /\r?\n(?:[ \t]*\r?\n)+/g,
  /\r?\n/g,
  /(?<=[.!?][)"'\]]*)[ \t]+|(?<=[。！？])/g,
  /[ \t]+/g,
];

/** One chunk: `reopen + body + close` is what gets posted; `gap` is the whitespace dropped after it. */
export interface SplitPart {
  /** A fence line (with its newline) that reopens a code block the previous chunk had to close. */
  reopen: string;
  /** The original text, so that the bodies and gaps, joined, are the input again. */
  body: string;
  /** A newline and fence line closing a code block left open at the cut. */
  close: string;
  gap: string;
}

/**
 * Splits `text` into chunks of at most `maxLength` characters, at the best boundary available
 * (paragraph, line, sentence, word, then anywhere but inside a surrogate pair), closing a code block cut
 * in two and reopening it, with its language, in the next chunk. Blank chunks are left out.
 */
export function splitMessage(text: string, maxLength: number): string[] {
  return splitMessageParts(text, maxLength)
    .filter((part) => part.body.trim() !== '')
    .map((part) => part.reopen + part.body + part.close);
}

/** `splitMessage` with its workings shown: what was added and what was dropped at each cut. */
export function splitMessageParts(text: string, maxLength: number): SplitPart[] {
  if (!Number.isInteger(maxLength) || maxLength < MIN_SPLIT_LENGTH) {
    throw new RangeError(`maxLength must be an integer of at least ${MIN_SPLIT_LENGTH}, got ${maxLength}`);
  }
  const parts: SplitPart[] = [];
  let open: Fence | undefined;
  for (let rest = text; rest !== ''; ) {
    const reopen = open ? `${reopenLine(open, maxLength)}\n` : '';
    const cut = chooseCut(rest, open, maxLength - reopen.length);
    open = cut.after;
    parts.push({
      reopen,
      body: rest.slice(0, cut.end),
      close: open ? `\n${open.marker}` : '',
      gap: rest.slice(cut.end, cut.next),
    });
    rest = rest.slice(cut.next);
  }
  return parts;
}

/** The language is dropped when it would leave too little room for code. */
function reopenLine(fence: Fence, maxLength: number): string {
  const full = fence.marker + fence.language;
  return full.length + fence.marker.length + 2 > maxLength / 2 ? fence.marker : full;
}

interface Cut {
  end: number;
  next: number;
  after: Fence | undefined;
}

function chooseCut(rest: string, open: Fence | undefined, budget: number): Cut {
  const lines = fenceLines(rest, open, budget);
  const lineAt = (p: number): FenceLine => {
    // Binary search: long answers have many lines, and a cut is tried at many places.
    let low = 0;
    for (let high = lines.length - 1; low < high; ) {
      const mid = Math.ceil((low + high) / 2);
      if ((lines[mid]?.start ?? 0) <= p) low = mid;
      else high = mid - 1;
    }
    return lines[low] as FenceLine;
  };
  const cutAt = (end: number, next: number): Cut | undefined => {
    const line = lineAt(end);
    const after = end === line.end ? line.after : line.before;
    if (end <= 0 || end + (after ? after.marker.length + 1 : 0) > budget) return undefined;
    if (end === line.end) return { end, next, after };
    // Within a line: never inside a fence line, nor where either half would read as one on its own
    // (`word \`\`\`js` cut before the backticks would open a block in the next chunk).
    const restOfLine = rest.slice(next, line.end);
    const broken =
      line.after !== line.before ||
      fenceAfterLine(rest.slice(line.start, end), line.before) !== line.before ||
      (next < line.end && fenceAfterLine(restOfLine, line.before) !== line.before) ||
      /[\uD800-\uDBFF]/.test(rest.charAt(end - 1));
    return broken ? undefined : { end, next, after };
  };

  const whole = cutAt(rest.length, rest.length);
  if (whole) return whole;
  let fallback: Cut | undefined;
  for (const pattern of BOUNDARIES) {
    let best: Cut | undefined;
    for (const match of rest.matchAll(pattern)) {
      if (match.index > budget) break;
      best = cutAt(match.index, match.index + match[0].length) ?? best;
    }
    if (best && best.end >= budget * MIN_FILL) return best;
    if (best && (!fallback || best.end > fallback.end)) fallback = best;
  }
  if (fallback) return fallback;
  for (let end = budget; end > 0; end -= 1) {
    const cut = cutAt(end, end);
    if (cut) return cut;
  }
  // Only a fence line longer than the budget gets here: cut into it, and keep the chunk balanced as read.
  for (let end = budget; end > 1; end -= 1) {
    const after = fenceAfter(rest.slice(0, end), open);
    const fits = end + (after ? after.marker.length + 1 : 0) <= budget;
    if (fits && !/[\uD800-\uDBFF]/.test(rest.charAt(end - 1))) return { end, next: end, after };
  }
  return { end: 1, next: 1, after: open };
}
