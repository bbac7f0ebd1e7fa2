import type { ResponseOutputText } from 'openai/resources/responses/responses';
import { describe, expect, it } from 'vitest';
import { normalizeText, responseEnding } from './map-output.js';

const part = (text: string, annotations: ResponseOutputText['annotations']): ResponseOutputText => ({
  type: 'output_text',
  text,
  annotations,
});

describe('normalizeText', () => {
  it('places a marker where a file citation points, for the orchestrator to number', () => {
    const { text, annotations } = normalizeText(
      part('Leave is 25 days. Sick leave is separate.', [
        { type: 'file_citation', file_id: 'file_1', filename: 'handbook.pdf', index: 17 },
      ]),
    );
    expect(text).toBe('Leave is 25 days.【0†handbook.pdf】 Sick leave is separate.');
    expect(annotations).toEqual([{ text: '【0†handbook.pdf】', citation: { label: 'handbook.pdf' } }]);
  });

  it('counts positions in code points, so an emoji before a citation does not shift it', () => {
    const { text, annotations } = normalizeText(
      part('🎉 See [docs](https://example.com/a) now', [
        { type: 'url_citation', url: 'https://example.com/a', title: 'Docs', start_index: 6, end_index: 35 },
      ]),
    );
    expect(annotations[0]?.text).toBe('[docs](https://example.com/a)');
    expect(annotations[0]?.citation).toEqual({ label: 'Docs', url: 'https://example.com/a' });
    expect(text).toBe('🎉 See [docs](https://example.com/a) now');
  });

  it('names a container file for delivery', () => {
    const { annotations } = normalizeText(
      part('Get [squares.csv](sandbox:/mnt/data/squares.csv)', [
        {
          type: 'container_file_citation',
          container_id: 'cntr_1',
          file_id: 'cfile_1',
          filename: 'squares.csv',
          start_index: 4,
          end_index: 49,
        },
      ]),
    );
    expect(annotations).toEqual([
      {
        text: '[squares.csv](sandbox:/mnt/data/squares.csv)',
        file: { fileId: 'cfile_1', containerId: 'cntr_1', name: 'squares.csv' },
      },
    ]);
  });

  it('inserts several markers without disturbing each other’s positions', () => {
    const { text } = normalizeText(
      part('A. B.', [
        { type: 'file_citation', file_id: 'f1', filename: 'a.md', index: 2 },
        { type: 'file_citation', file_id: 'f2', filename: 'b.md', index: 5 },
      ]),
    );
    expect(text).toBe('A.【0†a.md】 B.【1†b.md】');
  });
});

describe('responseEnding', () => {
  it('maps every terminal status and none of the others', () => {
    expect(responseEnding({ status: 'completed', incomplete_details: null, error: null })).toEqual({
      kind: 'completed',
    });
    expect(
      responseEnding({ status: 'incomplete', incomplete_details: { reason: 'content_filter' }, error: null }),
    ).toEqual({ kind: 'incomplete', reason: 'content_filter' });
    expect(
      responseEnding({
        status: 'failed',
        incomplete_details: null,
        error: { code: 'server_error', message: 'boom' },
      }),
    ).toEqual({ kind: 'failed', code: 'server_error', message: 'boom' });
    expect(responseEnding({ status: 'cancelled', incomplete_details: null, error: null })).toEqual({
      kind: 'cancelled',
    });
    expect(responseEnding({ status: 'in_progress', incomplete_details: null, error: null })).toBeUndefined();
    expect(responseEnding({ status: 'queued', incomplete_details: null, error: null })).toBeUndefined();
  });
});
