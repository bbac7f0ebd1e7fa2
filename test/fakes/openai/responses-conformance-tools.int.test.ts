import { toFile } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  chartFile,
  citation,
  codeInterpreter,
  filePath,
  fileSearch,
  imageGeneration,
  mcpCall,
  squaresCsv,
  text,
  urlCitation,
  webSearch,
} from '../../../src/model-server/index.js';
import {
  expectConformingTraffic,
  openResponsesHarness,
  type ResponsesHarness,
  streamed,
  textPart,
} from './conformance-harness.js';

/**
 * Hosted tools through the fake Responses API and the real SDK: the code interpreter (a PNG and a
 * CSV in its container, cited or not), file search with file and URL citations; every body and
 * event validated against the spec as in responses-conformance.int.test.ts.
 */

let h: ResponsesHarness;

beforeAll(async () => {
  h = await openResponsesHarness(); // the spec is parsed at its first check, once per process
}, 30_000);

afterAll(async () => {
  await h?.close();
});

describe('spec conformance of fake Responses with hosted tools', () => {
  afterEach(() => expectConformingTraffic(h));

  it('runs code that makes a PNG in its container, listed and downloaded', async () => {
    h.fake.setScript(() => [
      codeInterpreter({ code: 'x = 1\nprint(x)', logs: '1\n', images: [chartFile()] }),
      text('Here is the chart.'),
    ]);
    const { final } = await streamed(h.client, {
      model: 'o3',
      input: 'plot y=x^2',
      tools: [{ type: 'code_interpreter', container: { type: 'auto' } }],
      include: ['code_interpreter_call.outputs'],
    });
    const call = final?.output[0];
    if (call?.type !== 'code_interpreter_call') throw new Error('no code_interpreter_call');
    expect([call.code, call.outputs?.[0]]).toEqual(['x = 1\nprint(x)', { type: 'logs', logs: '1\n' }]);
    const [annotation] = textPart(final).annotations;
    if (annotation?.type !== 'container_file_citation') throw new Error('no container_file_citation');
    expect(annotation).toMatchObject({
      container_id: call.container_id,
      filename: 'chart.png',
      start_index: 18,
      end_index: 18,
    });
    const files = await h.client.containers.files.list(call.container_id);
    expect(files.data).toMatchObject([
      { id: annotation.file_id, path: '/mnt/data/chart.png', source: 'assistant' },
    ]);
    const content = await h.client.containers.files.content.retrieve(annotation.file_id, {
      container_id: call.container_id,
    });
    expect(content.headers.get('content-type')).toBe('image/png');
    const bytes = new Uint8Array(await content.arrayBuffer());
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(call.outputs?.[1]).toEqual({
      type: 'image',
      url: `${h.fake.url}/containers/${call.container_id}/files/${annotation.file_id}/content`,
    });
    expect(h.streamedTypes().slice(2, 10)).toEqual([
      'response.output_item.added',
      'response.code_interpreter_call.in_progress',
      'response.code_interpreter_call_code.delta',
      'response.code_interpreter_call_code.delta',
      'response.code_interpreter_call_code.done',
      'response.code_interpreter_call.interpreting',
      'response.code_interpreter_call.completed',
      'response.output_item.done',
    ]);
  });

  it('links a CSV with container_file_citation, and leaves an uncited image to the container list', async () => {
    h.fake.setScript(() => [
      codeInterpreter({
        code: "df.to_csv('/mnt/data/squares.csv')",
        files: [squaresCsv()],
        images: [chartFile()],
        cite: false,
      }),
      text('Download [squares.csv](sandbox:/mnt/data/squares.csv).', {
        annotations: [filePath('sandbox:/mnt/data/squares.csv', squaresCsv())],
      }),
    ]);
    const file = await h.client.files.create({
      file: await toFile(Buffer.from('a,b\n'), 'input.csv'),
      purpose: 'user_data',
    });
    const response = await h.client.responses.create({
      model: 'o3',
      input: 'make a csv',
      tools: [{ type: 'code_interpreter', container: { type: 'auto', file_ids: [file.id] } }],
    });
    const call = response.output[0];
    if (call?.type !== 'code_interpreter_call') throw new Error('no code_interpreter_call');
    expect(call.outputs).toBeNull(); // not included
    const annotations = textPart(response).annotations;
    expect(annotations).toEqual([
      {
        type: 'container_file_citation',
        container_id: call.container_id,
        file_id: expect.stringMatching(/^cfile_/),
        filename: 'squares.csv',
        start_index: 23,
        end_index: 52,
      },
    ]);
    const listed = await h.client.containers.files.list(call.container_id, { order: 'asc' });
    expect(listed.data.map((f) => [f.path, f.source])).toEqual([
      ['/mnt/data/input.csv', 'user'],
      ['/mnt/data/chart.png', 'assistant'],
      ['/mnt/data/squares.csv', 'assistant'],
    ]);
    const csvId = annotations[0]?.type === 'container_file_citation' ? annotations[0].file_id : '';
    const csv = await h.client.containers.files.content.retrieve(csvId, { container_id: call.container_id });
    expect([csv.headers.get('content-type'), await csv.text()]).toEqual([
      'text/csv',
      expect.stringContaining('-3,9'),
    ]);
  });

  it('searches files and cites them with file_citation and url_citation', async () => {
    const doc = await h.client.files.create({
      file: await toFile(Buffer.from('The sky is blue.'), 'facts.txt'),
      purpose: 'assistants',
    });
    h.fake.setScript(() => [
      fileSearch(
        ['sky colour'],
        [{ fileId: doc.id, fileName: 'facts.txt', score: 0.9, text: 'The sky is blue.' }],
      ),
      text('The sky is blue【4:0†facts.txt】 (see [NASA](https://nasa.gov/sky)).', {
        annotations: [
          citation('【4:0†facts.txt】', doc.id),
          urlCitation('[NASA](https://nasa.gov/sky)', 'https://nasa.gov/sky', 'Why the sky is blue'),
        ],
      }),
    ]);
    const { final } = await streamed(h.client, {
      model: 'o3',
      input: 'what colour is the sky?',
      tools: [{ type: 'file_search', vector_store_ids: ['vs_docs'] }],
      include: ['file_search_call.results'],
    });
    const part = textPart(final);
    expect(part.text).toBe('The sky is blue (see [NASA](https://nasa.gov/sky)).');
    expect(part.annotations).toEqual([
      { type: 'file_citation', file_id: doc.id, filename: 'facts.txt', index: 15 },
      {
        type: 'url_citation',
        url: 'https://nasa.gov/sky',
        title: 'Why the sky is blue',
        start_index: 21,
        end_index: 49,
      },
    ]);
    expect(final?.output[0]).toMatchObject({
      type: 'file_search_call',
      status: 'completed',
      queries: ['sky colour'],
      results: [{ file_id: doc.id, filename: 'facts.txt', score: 0.9, text: 'The sky is blue.' }],
    });
    expect(h.streamedTypes()).toContain('response.output_text.annotation.added');
    expect(h.streamedTypes().slice(2, 7)).toEqual([
      'response.output_item.added',
      'response.file_search_call.in_progress',
      'response.file_search_call.searching',
      'response.file_search_call.completed',
      'response.output_item.done',
    ]);
    const plain = await h.client.responses.retrieve(final?.id ?? '');
    expect(plain.output[0]).toMatchObject({ type: 'file_search_call', results: null });
  });

  it('generates an image with as many drafts as partial_images asks, and refuses more than 3', async () => {
    h.fake.setScript(() => [imageGeneration(chartFile('cat.png')), text('A cat.')]);
    const { final } = await streamed(h.client, {
      model: 'o3',
      input: 'draw a cat',
      tools: [{ type: 'image_generation', partial_images: 2 }],
    });
    const drafts = h.streamedTypes().filter((t) => t === 'response.image_generation_call.partial_image');
    expect(drafts).toHaveLength(2);
    expect(final?.output[0]).toMatchObject({ type: 'image_generation_call', status: 'completed' });
    const result = (final?.output[0] as { result?: string } | undefined)?.result ?? '';
    expect(Buffer.from(result, 'base64').equals(Buffer.from(chartFile('cat.png').bytes))).toBe(true);
    expect(final?.tools).toContainEqual(
      expect.objectContaining({ type: 'image_generation', output_format: 'png' }),
    );
    const refused = await h.client.responses
      .create({ model: 'o3', input: 'x', tools: [{ type: 'image_generation', partial_images: 4 }] })
      .catch((error: unknown) => error as { status?: number; code?: string });
    expect([refused.status, (refused as { code?: string }).code]).toEqual([400, 'integer_above_max_value']);
  });

  it('searches the web, its sources only for a client that includes them', async () => {
    h.fake.setScript(() => [webSearch(['rust 2024 edition'], ['https://blog.rust-lang.org/']), text('Out.')]);
    const { final } = await streamed(h.client, {
      model: 'o3',
      input: 'news?',
      tools: [{ type: 'web_search' }],
      include: ['web_search_call.action.sources'],
    });
    expect(final?.output[0]).toMatchObject({
      type: 'web_search_call',
      status: 'completed',
      action: {
        type: 'search',
        queries: ['rust 2024 edition'],
        sources: [{ type: 'url', url: 'https://blog.rust-lang.org/' }],
      },
    });
    const plain = await h.client.responses.retrieve(final?.id ?? '');
    expect(plain.output[0]).not.toHaveProperty('action.sources');
  });

  it('calls an MCP server declared as a tool, listing its tools first, and reports a failed call', async () => {
    h.fake.setScript(() => [
      mcpCall('docs', 'search', { q: 'x' }, { output: 'found' }),
      mcpCall('docs', 'fetch', { id: 1 }, { error: 'not found' }, ['search', 'fetch']),
      text('Done.'),
    ]);
    const { final } = await streamed(h.client, {
      model: 'o3',
      input: 'look it up',
      tools: [
        {
          type: 'mcp',
          server_label: 'docs',
          server_url: 'https://mcp.example.com/mcp',
          require_approval: 'never',
        },
      ],
    });
    expect(final?.output.map((item) => item.type)).toEqual([
      'mcp_list_tools',
      'mcp_call',
      'mcp_call',
      'message',
    ]);
    expect(final?.output[2]).toMatchObject({
      status: 'failed',
      output: null,
      error: { type: 'mcp_protocol_error', message: 'not found' },
    });
    expect(h.streamedTypes()).toContain('response.mcp_call.failed');
  });
});
