import { afterEach, describe, expect, it } from 'vitest';
import { defaultProfiles } from '../../src/config/profiles/load-profiles.js';
import type { Profiles } from '../../src/config/profiles/types.js';
import type { ToolCallView } from '../../src/core/reply-events.js';
import {
  chartFile,
  citation,
  fileSearch,
  imageGeneration,
  mcpCall,
  parabolaPng,
  plotPng,
  text,
  webSearch,
} from '../../src/model-server/index.js';
import { Harness, ofType, TEST_ASSISTANT } from '../contract/harness.js';
import { expectNoSpecViolations } from '../fakes/openai/conformance-harness.js';

/**
 * The Responses API's hosted tools, through the real SDK against the fake in the service's shapes:
 * file search results, MCP calls and tool listings, web searches, generated images with drafts.
 */

let h: Harness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

const tools = (events: ReturnType<typeof ofType<'tool'>>): ToolCallView[] => events.map((e) => e.call);

/** One profile with the `docs` MCP server enabled (no approval asked). */
function withDocsServer(): Profiles {
  const profiles = defaultProfiles({ ...TEST_ASSISTANT, backend: 'responses' });
  const base = profiles.profiles.get('default');
  if (!base) throw new Error('no default profile');
  return {
    ...profiles,
    profiles: new Map([['default', { ...base, mcpServers: ['docs'] }]]),
    mcpServers: [
      {
        serverLabel: 'docs',
        serverUrl: 'https://mcp.example.com/mcp',
        serverDescription: undefined,
        allowedTools: undefined,
        headers: {},
        requireApproval: 'never',
      },
    ],
  };
}

describe('responses backend: hosted tools', () => {
  it('counts the passages a file search found, since it asks for them', async () => {
    h = await Harness.start('responses', { assistant: { vectorStoreIds: ['vs_team'] } });
    const handbook = h.fake.addFile({ filename: 'handbook.pdf', bytes: 'Leave is 25 days.' });
    h.fake.setScript(() => [
      fileSearch(
        ['leave policy'],
        [
          { fileId: handbook.id, fileName: 'handbook.pdf', score: 0.9, text: 'Leave is 25 days.' },
          { fileId: handbook.id, fileName: 'handbook.pdf', score: 0.4, text: 'Holidays.' },
        ],
      ),
      text('25 days【4:0†source】', { annotations: [citation('【4:0†source】', handbook.id)] }),
    ]);
    const events = await h.ask('how much leave?');
    expect(tools(ofType(events, 'tool'))).toEqual([
      { kind: 'file_search', id: expect.any(String), queries: ['leave policy'], resultCount: 2 },
    ]);
    expectNoSpecViolations(h.fake);
  });

  it('shows MCP calls with their server, arguments and output or error, after the server’s tool listing', async () => {
    const profiles = withDocsServer();
    h = await Harness.start('responses', { profiles: () => profiles });
    h.fake.setScript(() => [
      mcpCall('docs', 'search', { q: 'refunds' }, { output: 'Refunds within 30 days.' }, ['search', 'fetch']),
      mcpCall('docs', 'fetch', { id: 7 }, { error: 'Document 7 does not exist.' }),
      text('Refunds within 30 days.'),
    ]);
    const events = await h.ask('refund policy?');
    expect(tools(ofType(events, 'tool'))).toEqual([
      {
        kind: 'mcp_list_tools',
        id: expect.any(String),
        server: 'docs',
        tools: ['search', 'fetch'],
        error: undefined,
      },
      {
        kind: 'mcp_call',
        id: expect.any(String),
        server: 'docs',
        name: 'search',
        arguments: '{"q":"refunds"}',
        output: 'Refunds within 30 days.',
        error: undefined,
      },
      expect.objectContaining({
        kind: 'mcp_call',
        name: 'fetch',
        output: '',
        error: 'Document 7 does not exist.',
      }),
    ]);
    expect(ofType(events, 'status').map((e) => e.text)).toContain('Calling search on docs…');
    // The conversation holds the listing now: the next turn calls without listing again.
    const next = await h.ask('and again?');
    expect(tools(ofType(next, 'tool')).map((c) => c.kind)).toEqual(['mcp_call', 'mcp_call']);
    expectNoSpecViolations(h.fake);
  });

  it('shows what a web search looked for, and cites the pages it found', async () => {
    h = await Harness.start('responses', { assistant: { webSearch: true } });
    h.fake.setScript(() => [
      webSearch(['weather Paris today'], ['https://weather.example.com/paris']),
      text('Sunny [Weather](https://weather.example.com/paris).'),
    ]);
    const events = await h.ask('weather in Paris?');
    expect(tools(ofType(events, 'tool'))).toEqual([
      {
        kind: 'web_search',
        id: expect.any(String),
        action: 'search',
        queries: ['weather Paris today'],
        url: undefined,
        pattern: undefined,
      },
    ]);
    expect(ofType(events, 'status').map((e) => e.text)).toContain('Searching the web…');
    const [request] = h.requestsTo('POST', /^\/responses$/);
    expect((request?.json as { tools?: unknown[] } | undefined)?.tools).toContainEqual({
      type: 'web_search',
    });
    expectNoSpecViolations(h.fake);
  });

  it('posts a generated image with its bytes, after a status line for the render and for its draft', async () => {
    h = await Harness.start('responses', { assistant: { imageGeneration: true } });
    const image = chartFile('cat.png', parabolaPng());
    const draft = chartFile(
      'draft.png',
      plotPng((x) => x, { width: 64, height: 48 }),
    );
    h.fake.setScript(() => [imageGeneration(image, { drafts: [draft] }), text('Here is your cat.')]);
    const events = await h.ask('draw a cat');

    const [request] = h.requestsTo('POST', /^\/responses$/);
    expect((request?.json as { tools?: unknown[] } | undefined)?.tools).toContainEqual({
      type: 'image_generation',
      partial_images: 1,
    });
    const response = h.fake.responses()[0];
    const streamed = h.fake.responseEvents(response?.id ?? '').map((e) => e.type);
    expect(streamed).toContain('response.image_generation_call.partial_image');
    expect(ofType(events, 'status').map((e) => e.text)).toEqual([
      'Generating an image…',
      'Generating an image… (draft 1 ready)',
    ]);
    const files = ofType(events, 'file').map((e) => e.file);
    expect(files).toEqual([
      {
        kind: 'image',
        name: expect.stringMatching(/^image-.+\.png$/),
        mimeType: 'image/png',
        bytes: expect.any(Uint8Array),
      },
    ]);
    expect(Buffer.from(files[0]?.bytes ?? []).equals(Buffer.from(image.bytes))).toBe(true);
    expect(ofType(events, 'text.done').map((e) => e.text)).toEqual(['Here is your cat.']);
    expectNoSpecViolations(h.fake);
  });

  it('fails the response when the script uses a hosted tool the request did not declare', async () => {
    h = await Harness.start('responses');
    h.fake.setScript(() => [imageGeneration(chartFile())]);
    const events = await h.ask('draw');
    expect(ofType(events, 'file')).toEqual([]);
    expect(ofType(events, 'done').map((e) => e.ending.kind)).toEqual(['failed']);
  });
});
