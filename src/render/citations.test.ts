import { describe, expect, it } from 'vitest';
import { applyAnnotations, createMarkerFilter, formatFootnotes, MAX_MARKER_LENGTH } from './citations.js';

/** Feeds `deltas` through a fresh filter and returns everything it let out, flush included. */
function stream(deltas: readonly string[]): string {
  const filter = createMarkerFilter();
  return deltas.map((delta) => filter.push(delta)).join('') + filter.flush();
}

/** Cuts `text` at every one of `cuts` (sorted positions). */
function cutAt(text: string, cuts: readonly number[]): string[] {
  const points = [0, ...cuts, text.length];
  return points.slice(1).map((end, i) => text.slice(points[i], end));
}

describe('createMarkerFilter', () => {
  it('removes whole markers of every shape', () => {
    expect(stream(['See the report【4:0†source】 and the notes【12†source】.'])).toBe(
      'See the report and the notes.',
    );
    expect(stream(['Revenue grew【7:3†q3-report.pdf】.'])).toBe('Revenue grew.');
  });

  it('removes a marker cut across deltas at every possible place', () => {
    const text = 'Growth was 4%【4:0†source】, up from 3%.';
    for (let a = 1; a < text.length; a += 1) {
      for (let b = a; b < text.length; b += 1)
        expect(stream(cutAt(text, [a, b]))).toBe('Growth was 4%, up from 3%.');
    }
  });

  it('lets text before a possible marker through at once and holds only the marker', () => {
    const filter = createMarkerFilter();
    expect(filter.push('Hello 【4:0')).toBe('Hello ');
    expect(filter.push('†source】 world')).toBe(' world');
  });

  it('releases a bracket that runs too long to be a marker', () => {
    const filter = createMarkerFilter();
    expect(filter.push('【')).toBe('');
    const long = 'x'.repeat(MAX_MARKER_LENGTH);
    expect(filter.push(long)).toBe(`【${long}`);
    expect(filter.push('】 after')).toBe('】 after');
  });

  it('releases a bracket at once when a line ends before it closes', () => {
    expect(createMarkerFilter().push('a 【 b\nc')).toBe('a 【 b\nc');
  });

  it('keeps ordinary CJK brackets, which have no dagger', () => {
    const filter = createMarkerFilter();
    const streamed = filter.push('【重要】 会議は【4:0†source】明日です') + filter.flush();
    expect(streamed).toBe('【重要】 会議は明日です');
    expect(applyAnnotations('【重要】 です', []).text).toBe('【重要】 です');
  });

  it('gives back an unclosed bracket at the end of the stream', () => {
    const filter = createMarkerFilter();
    expect(filter.push('price 【')).toBe('price ');
    expect(filter.flush()).toBe('【');
    expect(filter.flush()).toBe('');
  });

  it('streams the same text as filtering the whole answer, however it is cut', () => {
    const text = `A【1†s】b【2:3†long name.pdf】c【 not closed\nd【x】【y】e 【${'z'.repeat(70)}】`;
    const whole = applyAnnotations(text, []).text;
    for (let step = 1; step <= 9; step += 1) {
      const cuts = Array.from({ length: Math.floor(text.length / step) }, (_, i) => (i + 1) * step);
      expect(
        stream(
          cutAt(
            text,
            cuts.filter((c) => c < text.length),
          ),
        ),
      ).toBe(whole);
    }
  });
});

describe('applyAnnotations', () => {
  it('numbers citations in order of first appearance, one number per source', () => {
    const text = 'A【1:0†a.pdf】 B【1:1†b.pdf】 A again【1:2†a.pdf】.';
    const result = applyAnnotations(text, [
      { text: '【1:0†a.pdf】', citation: { label: 'a.pdf', quote: 'alpha' } },
      { text: '【1:1†b.pdf】', citation: { label: 'b.pdf' } },
      { text: '【1:2†a.pdf】', citation: { label: 'a.pdf' } },
    ]);
    expect(result).toEqual({
      text: 'A[1] B[2] A again[1].',
      citations: [
        { index: 1, label: 'a.pdf', quote: 'alpha' },
        { index: 2, label: 'b.pdf' },
      ],
    });
  });

  it('numbers by position in the text, not by the order annotations arrive', () => {
    const result = applyAnnotations('x【2】 y【1】', [
      { text: '【1】', citation: { label: 'second' } },
      { text: '【2】', citation: { label: 'first' } },
    ]);
    expect(result.text).toBe('x[1] y[2]');
    expect(result.citations.map((c) => c.label)).toEqual(['first', 'second']);
  });

  it('tells sources apart by URL when they have one', () => {
    const result = applyAnnotations('a【1】 b【2】', [
      { text: '【1】', citation: { label: 'Docs', url: 'https://a.example' } },
      { text: '【2】', citation: { label: 'Docs', url: 'https://b.example' } },
    ]);
    expect(result.text).toBe('a[1] b[2]');
    expect(result.citations).toEqual([
      { index: 1, label: 'Docs', url: 'https://a.example' },
      { index: 2, label: 'Docs', url: 'https://b.example' },
    ]);
  });

  it('places repeated identical markers one after the other', () => {
    const marker = '【4:0†source】';
    const result = applyAnnotations(`one${marker} two${marker}`, [
      { text: marker, citation: { label: 'x.md' } },
      { text: marker, citation: { label: 'y.md' } },
    ]);
    expect(result.text).toBe('one[1] two[2]');
  });

  it('replaces a generated file link with the file name', () => {
    const text = 'Download [the data](sandbox:/mnt/data/sales.csv).';
    const named = applyAnnotations(text, [
      { text: 'sandbox:/mnt/data/sales.csv', file: { fileId: 'file-1', name: 'sales-2026.csv' } },
    ]);
    expect(named).toEqual({ text: 'Download [the data](sales-2026.csv).', citations: [] });
    const unnamed = applyAnnotations(text, [
      { text: 'sandbox:/mnt/data/sales.csv', file: { fileId: 'file-1' } },
    ]);
    expect(unnamed.text).toBe('Download [the data](sales.csv).');
  });

  it('removes markers no annotation accounts for', () => {
    expect(applyAnnotations('Done【3:1†source】.', []).text).toBe('Done.');
  });

  it('lists a citation with an empty span without placing a marker', () => {
    const result = applyAnnotations('Plain text.', [{ text: '', citation: { label: 'notes.txt' } }]);
    expect(result).toEqual({ text: 'Plain text.', citations: [{ index: 1, label: 'notes.txt' }] });
  });

  it('skips an annotation whose span is not in the text', () => {
    const result = applyAnnotations('Text.', [{ text: '【9†gone】', citation: { label: 'gone' } }]);
    expect(result).toEqual({ text: 'Text.', citations: [] });
  });
});

describe('formatFootnotes', () => {
  it('writes one line per citation, with the URL when there is one', () => {
    expect(
      formatFootnotes([
        { index: 1, label: 'report.pdf' },
        { index: 2, label: 'OpenAI', url: 'https://openai.com' },
        { index: 3, label: 'https://example.com', url: 'https://example.com' },
      ]),
    ).toBe('[1] report.pdf\n[2] OpenAI — https://openai.com\n[3] https://example.com');
  });

  it('writes nothing for no citations', () => {
    expect(formatFootnotes([])).toBe('');
  });
});
