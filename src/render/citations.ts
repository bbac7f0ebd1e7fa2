import type { Annotation, FileRef } from '../core/annotations.js';
import type { Citation } from '../core/reply-events.js';

/**
 * The longest `【...】` span taken for a citation marker. Real markers (`【4:0†source】`, or with a file
 * name) are far shorter; past this a `【` is ordinary text, and the stream must not sit on it.
 */
export const MAX_MARKER_LENGTH = 64;

/** Marker spans never hold a newline or another bracket; the same rule for streamed and final text. */
// Every real marker has a dagger (`†`); requiring it keeps ordinary CJK brackets such as `【重要】`.
const MARKER = new RegExp(`【(?=[^【】\\n]{0,${MAX_MARKER_LENGTH - 2}}】)[^【】\\n†]*†[^【】\\n]*】`, 'g');

/** Removes raw citation markers from streamed text, whatever way the stream cuts them. */
export interface MarkerFilter {
  /** Takes the next delta; returns the text that is safe to show now (possibly empty). */
  push(delta: string): string;
  /** Returns whatever is still held back, at the end of the stream. */
  flush(): string;
}

/** Creates a filter for one streamed message. */
export function createMarkerFilter(): MarkerFilter {
  let held = '';
  return {
    push(delta) {
      const text = (held + delta).replace(MARKER, '');
      const open = text.lastIndexOf('【');
      // Hold back a trailing `【...` only while it can still become a marker.
      const canClose =
        open !== -1 && text.length - open < MAX_MARKER_LENGTH && !/[】\n]/.test(text.slice(open + 1));
      held = canClose ? text.slice(open) : '';
      return canClose ? text.slice(0, open) : text;
    },
    flush() {
      const rest = held;
      held = '';
      return rest;
    },
  };
}

/**
 * Turns the service's annotations into what users read: each cited span becomes `[n]` (one number per
 * source, numbered in order of first appearance), each generated file's span (usually a
 * `sandbox:/mnt/data/...` link target) becomes the file's name, and leftover markers go.
 * A citation whose span is empty cannot be placed, so it is listed without a marker.
 */
export function applyAnnotations(
  text: string,
  annotations: readonly Annotation[],
): { text: string; citations: Citation[] } {
  const citations: Citation[] = [];
  const numbers = new Map<string, number>();
  const numberFor = (citation: NonNullable<Annotation['citation']>): number => {
    const source = citation.url ?? citation.label;
    let index = numbers.get(source);
    if (index === undefined) {
      index = numbers.size + 1;
      numbers.set(source, index);
      citations.push({
        index,
        label: citation.label,
        ...(citation.url === undefined ? {} : { url: citation.url }),
        ...(citation.quote === undefined ? {} : { quote: citation.quote }),
      });
    }
    return index;
  };
  let out = '';
  let cursor = 0;
  for (const { start, annotation } of locate(text, annotations)) {
    out += text.slice(cursor, start).replace(MARKER, '');
    if (annotation.file) out += fileName(annotation.file, annotation.text);
    else if (annotation.citation) out += `[${numberFor(annotation.citation)}]`;
    cursor = start + annotation.text.length;
  }
  out += text.slice(cursor).replace(MARKER, '');
  for (const { citation, file, text: span } of annotations) {
    if (citation && !file && span === '') numberFor(citation);
  }
  return { text: out, citations };
}

/** Finds each annotation's span, in text order, without overlaps; one that cannot be found is dropped. */
function locate(
  text: string,
  annotations: readonly Annotation[],
): { start: number; annotation: Annotation }[] {
  const spans: { start: number; annotation: Annotation }[] = [];
  const free = (start: number, length: number) =>
    spans.every((s) => start + length <= s.start || s.start + s.annotation.text.length <= start);
  const find = (needle: string, from: number): number => {
    let start = text.indexOf(needle, from);
    while (start !== -1 && !free(start, needle.length)) start = text.indexOf(needle, start + 1);
    return start;
  };
  let cursor = 0;
  for (const annotation of annotations) {
    if (annotation.text === '' || (!annotation.citation && !annotation.file)) continue;
    // Annotations come in text order, so a marker that repeats is looked for after the previous one first.
    let start = find(annotation.text, cursor);
    if (start === -1) start = find(annotation.text, 0);
    if (start === -1) continue;
    spans.push({ start, annotation });
    cursor = start + annotation.text.length;
  }
  return spans.sort((a, b) => a.start - b.start);
}

/** The name to show for a generated file: its own, else the last part of the link that named it. */
function fileName(file: FileRef, span: string): string {
  return file.name ?? span.slice(span.lastIndexOf('/') + 1);
}

/** Citations as plain text footnotes, one a line: `[1] label — url`. */
export function formatFootnotes(citations: readonly Citation[]): string {
  return citations
    .map(({ index, label, url }) => {
      if (url === undefined || url === label) return `[${index}] ${url ?? label}`;
      return `[${index}] ${label} — ${url}`;
    })
    .join('\n');
}
