import type { TextAnnotation, TextStep } from '../script.js';

/** Length in code points: the service counts characters as Python does, not UTF-16 units as JS does. */
export const codePoints = (text: string): number => [...text].length;

/** An annotation placed in the text the client sees: `start` = `end` for a point (a file citation). */
export interface PlacedAnnotation {
  annotation: TextAnnotation;
  start: number;
  end: number;
}

export interface TextLayout {
  /** The chunks as streamed: the script's, without the markers the service does not show. */
  chunks: string[];
  text: string;
  placed: PlacedAnnotation[];
}

/**
 * The Responses API shows a file citation as a point (`index`) in text without the `【4:0†source】`
 * marker the Assistants API keeps; links (URLs, container files) keep their text and are spans.
 * Markers map to successive occurrences, in the order the annotations are listed.
 */
export function layoutText(step: TextStep): TextLayout {
  const full = step.chunks.join('');
  const keep = new Array<boolean>(full.length).fill(true);
  const found: { annotation: TextAnnotation; at: number }[] = [];
  let from = 0;
  for (const annotation of step.annotations ?? []) {
    const at = full.indexOf(annotation.text, from);
    from = at + annotation.text.length;
    found.push({ annotation, at });
    if (annotation.type === 'file_citation') keep.fill(false, at, at + annotation.text.length);
  }
  // Where JS index `x` of the script's text lands in the client's text, in code points.
  const position = (x: number): number => {
    let n = 0;
    let unit = 0;
    for (const ch of full) {
      if (unit >= x) break;
      if (keep[unit]) n++;
      unit += ch.length;
    }
    return n;
  };
  const placed = found.map(({ annotation, at }) => {
    const start = position(at);
    const end = annotation.type === 'file_citation' ? start : start + codePoints(annotation.text);
    return { annotation, start, end };
  });
  let offset = 0;
  const chunks: string[] = [];
  for (const chunk of step.chunks) {
    let out = '';
    for (let i = 0; i < chunk.length; i++) if (keep[offset + i]) out += chunk[i];
    offset += chunk.length;
    if (out.length > 0) chunks.push(out);
  }
  const text = chunks.join('');
  return { chunks: chunks.length > 0 ? chunks : [''], text, placed };
}
