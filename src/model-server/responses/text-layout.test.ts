import { describe, expect, it } from 'vitest';
import { chartFile } from '../png-chart.js';
import { citation, filePath, text, urlCitation } from '../script.js';
import { layoutText } from './text-layout.js';

describe('answer text as the Responses API shows it', () => {
  it('removes citation markers and cites at their place', () => {
    const layout = layoutText(
      text('The sky is blue【4:0†facts.txt】.', { annotations: [citation('【4:0†facts.txt】', 'file-1')] }),
    );
    expect(layout.text).toBe('The sky is blue.');
    expect(layout.placed.map(({ start, end }) => [start, end])).toEqual([[15, 15]]);
  });

  it('keeps link text and spans it, counting code points as the service does', () => {
    const layout = layoutText(
      text('😀 see [x](https://x.org) and sandbox:/mnt/data/chart.png', {
        annotations: [
          urlCitation('[x](https://x.org)', 'https://x.org', 'X'),
          filePath('sandbox:/mnt/data/chart.png', chartFile()),
        ],
      }),
    );
    expect(layout.text).toBe('😀 see [x](https://x.org) and sandbox:/mnt/data/chart.png');
    expect(layout.placed.map(({ start, end }) => [start, end])).toEqual([
      [6, 24],
      [29, 56],
    ]);
  });

  it('drops a marker that spans chunks without leaving empty deltas', () => {
    const layout = layoutText(
      text('ab【1】cd', { chunkSize: 3, annotations: [citation('【1】', 'file-1')] }),
    );
    expect(layout.chunks).toEqual(['ab', 'c', 'd']);
    expect(layoutText(text('')).chunks).toEqual(['']);
  });

  it('maps repeated markers to successive occurrences', () => {
    const layout = layoutText(
      text('a【1】 b【1】', { annotations: [citation('【1】', 'file-1'), citation('【1】', 'file-2')] }),
    );
    expect([layout.text, layout.placed.map((p) => p.start)]).toEqual(['a b', [1, 3]]);
  });
});
