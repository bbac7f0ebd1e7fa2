import { Writable } from 'node:stream';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import {
  byRound,
  chartFile,
  codeInterpreter,
  functionCall,
  text,
  urlCitation,
  wait,
} from '../../src/model-server/index.js';
import type { RunRecord } from '../../src/store/types.js';
import { answerText, Harness, ofType } from '../contract/harness.js';

/** What only the Responses backend does: conversations, containers, background resume, chaining. */

let h: Harness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Polls the store for the conversation's run record until `ok` holds (store writes raise no event). */
async function waitForRecord(harness: Harness, ok: (record: RunRecord) => boolean): Promise<RunRecord> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const record = await harness.store.runs.get(harness.key);
    if (record && ok(record)) return record;
    if (Date.now() > deadline) throw new Error('timed out waiting for the run record');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const posts = (harness: Harness) => harness.requestsTo('POST', /^\/responses$/);

describe('responses backend: requests', () => {
  it('sends model, instructions and tools with every response, on the conversation, streamed in the background', async () => {
    h = await Harness.start('responses');
    h.fake.setScript(() => [text('hi')]);
    await h.ask('hello');
    const [request] = posts(h);
    const conversationId = (await h.store.threads.get(h.key))?.threadId;
    expect(conversationId).toMatch(/^conv_/);
    expect(request?.json).toMatchObject({
      model: 'o3',
      instructions: 'Be helpful.',
      conversation: conversationId,
      stream: true,
      store: true,
      background: true,
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello' }] }],
    });
    const tools = (request?.json as { tools: { type: string; name?: string }[] } | undefined)?.tools ?? [];
    expect(tools.map((t) => t.name ?? t.type)).toEqual(['code_interpreter', 'current_time']);
  });

  it('searches the configured vector stores', async () => {
    h = await Harness.start('responses', { assistant: { vectorStoreIds: ['vs_team'] } });
    h.fake.setScript(() => [text('found')]);
    await h.ask('search');
    const tools = (posts(h)[0]?.json as { tools: unknown[] } | undefined)?.tools ?? [];
    expect(tools).toContainEqual({ type: 'file_search', vector_store_ids: ['vs_team'] });
  });

  it('keeps the response id and stream position in the store while the answer streams', async () => {
    h = await Harness.start('responses');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    h.fake.setScript(
      byRound(
        () => [functionCall('current_time', {})],
        async () => {
          await gate;
          return [text('done')];
        },
      ),
    );
    await h.submit('time');
    const fake = h.fake;
    const firstId = await fake.waitFor(() => fake.responses()[0]?.id, { what: 'first response' });
    await fake.waitFor(() => fake.responses().length === 2, { what: 'second response' });
    const record = await waitForRecord(h, (r) => r.runId !== firstId);
    expect(record.runId).toBe(fake.responses()[1]?.id);
    expect(Number(record.position)).toBeGreaterThanOrEqual(0);
    release();
    await h.orchestrator.idle();
    expect(await h.store.runs.get(h.key)).toBeUndefined();
  });

  it('needs exactly one request for a plain answer once the conversation exists', async () => {
    h = await Harness.start('responses');
    h.fake.setScript(() => [text('one')]);
    await h.ask('first');
    const before = h.fake.requests.length;
    await h.ask('second');
    expect(h.fake.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /responses']);
  });

  it('answers function calls with function_call_output items in the next response', async () => {
    h = await Harness.start('responses');
    h.fake.setScript(
      byRound(
        () => [functionCall('current_time', { timezone: 'Asia/Tokyo' })],
        () => [text('ok')],
      ),
    );
    await h.ask('time?');
    const [, second] = posts(h);
    const firstResponse = h.fake.responses()[0];
    const call = firstResponse?.output.find((item) => item.type === 'function_call');
    expect(second?.json).toMatchObject({
      input: [
        { type: 'function_call_output', call_id: call?.type === 'function_call' ? call.call_id : 'missing' },
      ],
    });
  });

  it('gives the user’s data files to the code interpreter’s container', async () => {
    h = await Harness.start('responses');
    h.fake.setScript((ctx) => [text(ctx.files.map((f) => f.name).join(','))]);
    const events = await h.ask('analyse', [
      { name: 'sales.csv', mimeType: 'text/csv', bytes: new TextEncoder().encode('a\n1\n') },
    ]);
    expect(answerText(events)).toBe('sales.csv');
    const fileId = h.fake.files().find((f) => f.filename === 'sales.csv')?.id;
    const tools = (posts(h)[0]?.json as { tools: unknown[] } | undefined)?.tools ?? [];
    expect(tools[0]).toEqual({ type: 'code_interpreter', container: { type: 'auto', file_ids: [fileId] } });
  });
});

describe('responses backend: output', () => {
  it('delivers a file the code interpreter wrote even when no citation names it', async () => {
    h = await Harness.start('responses');
    h.fake.setScript(() => [
      codeInterpreter({ code: 'plot()', images: [chartFile()], cite: false }),
      text('Plotted.'),
    ]);
    const events = await h.ask('plot');
    const files = ofType(events, 'file').map((e) => e.file);
    expect(files.map((f) => [f.kind, f.mimeType])).toEqual([['image', 'image/png']]);
    expect(
      h.fake.requests.some((r) => r.method === 'GET' && /^\/containers\/[^/]+\/files$/.test(r.path)),
    ).toBe(true);
  });

  it('turns a url_citation into a footnote with the link', async () => {
    h = await Harness.start('responses');
    h.fake.setScript(() => [
      text('See the docs (example.com).', {
        annotations: [urlCitation('(example.com)', 'https://example.com/docs', 'Docs')],
      }),
    ]);
    const done = ofType(await h.ask('docs?'), 'text.done')[0];
    expect(done?.text).toBe('See the docs [1].');
    expect(done?.citations).toEqual([{ index: 1, label: 'Docs', url: 'https://example.com/docs' }]);
  });

  it('records input, output and reasoning tokens per conversation and user', async () => {
    h = await Harness.start('responses');
    h.fake.setScript(() => ({
      steps: [text('ok')],
      usage: { inputTokens: 120, outputTokens: 30, reasoningTokens: 12 },
    }));
    await h.ask('count me');
    expect(await h.store.usage.forUser('user-1', new Date())).toMatchObject({
      inputTokens: 120,
      outputTokens: 30,
      reasoningTokens: 12,
      runs: 1,
    });
  });
});

describe('responses backend: resilience', () => {
  it('resumes a stream cut mid-answer from the last sequence number and ends in the full answer', async () => {
    h = await Harness.start('responses');
    const answer = 'A long answer that arrives in many small pieces, so the cut lands in the middle.';
    h.fake.setScript(() => [text(answer, { chunkSize: 3, delayMs: 10 })]);
    h.fake.streamUnavailable = { cutAfterEvents: 12, how: 'destroy' };
    const events = await h.ask('tell me');
    expect(answerText(events)).toBe(answer);
    expect(ofType(events, 'text.done')).toHaveLength(1);
    // Nothing streamed twice: the deltas are the answer, or (when a loaded machine let the response
    // finish before the resume, which then reads it whole) its beginning; the final text completes it.
    const streamed = ofType(events, 'text.delta')
      .map((e) => e.delta)
      .join('');
    expect(answer.startsWith(streamed)).toBe(true);
    const resumes = h.fake.requests.filter((r) => r.method === 'GET' && r.query.stream === 'true');
    expect(resumes.length).toBeGreaterThan(0);
    expect(resumes[0]?.query.starting_after).toMatch(/^\d+$/);
    expect(ofType(events, 'done')).toEqual([{ type: 'done', ending: { kind: 'completed' } }]);
  });

  it('names the conversation and the run on every log line of a turn', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().trim().split('\n'));
        done();
      },
    });
    const bot = await Harness.start('responses', { logger: createLogger('debug', sink) });
    h = bot;
    bot.fake.setScript(() => [text('A cut answer, resumed.', { chunkSize: 3, delayMs: 2 })]);
    bot.fake.streamUnavailable = { cutAfterEvents: 8, how: 'destroy' };
    await bot.ask('tell me');
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const turn = logged.filter((l) => l.conversation === bot.key);
    // The dropped stream was logged, and resumed; every line from the run's start on names it.
    expect(turn.some((l) => /dropped|broke/.test(String(l.msg)))).toBe(true);
    const started = turn.findIndex((l) => l.msg === 'run started');
    expect(started).toBeGreaterThanOrEqual(0);
    for (const line of logged.slice(logged.indexOf(turn[started] as Record<string, unknown>))) {
      expect(line, String(line.msg)).toMatchObject({
        conversation: h.key,
        runId: expect.stringMatching(/^resp_/),
      });
    }
  });

  it('gives up a stream that goes silent and resumes it, ending in the full answer', async () => {
    h = await Harness.start('responses', { run: { streamStallMs: 300 } });
    const answer = 'An answer whose stream goes quiet halfway through, behind a stuck proxy.';
    h.fake.setScript(() => [text(answer, { chunkSize: 4, delayMs: 2 })]);
    h.fake.streamUnavailable = { cutAfterEvents: 10, how: 'stall' };
    const events = await h.ask('tell me');
    expect(answerText(events)).toBe(answer);
    expect(ofType(events, 'text.done')).toHaveLength(1);
    const resumes = h.fake.requests.filter((r) => r.method === 'GET' && r.query.stream === 'true');
    expect(resumes.length).toBeGreaterThan(0);
  });

  it('waits out a conversation locked by another process and then answers', async () => {
    h = await Harness.start('responses');
    h.fake.setScript(() => [text('warm up')]);
    await h.ask('warm up');
    const conversation = (await h.store.threads.get(h.key))?.threadId ?? '';
    h.fake.setScript((ctx) => (ctx.text === 'other process' ? [wait(150), text('theirs')] : [text('ours')]));
    const client = new OpenAI({ baseURL: h.fake.url, apiKey: 'test', maxRetries: 0 });
    await client.responses.create({
      model: 'o3',
      conversation,
      input: 'other process',
      background: true,
      store: true,
    });
    const events = await h.ask('mine');
    expect(answerText(events)).toBe('ours');
    const refusals = h.fake.sent.filter((s) => JSON.stringify(s).includes('conversation_locked'));
    expect(refusals.length).toBeGreaterThan(0);
  });

  it('starts over on a new conversation after /reset, deleting the old one', async () => {
    h = await Harness.start('responses');
    h.fake.setScript(() => [text('ok')]);
    await h.ask('one');
    const first = (await h.store.threads.get(h.key))?.threadId ?? '';
    await h.orchestrator.reset(h.key);
    await h.ask('two');
    const second = (await h.store.threads.get(h.key))?.threadId ?? '';
    expect(second).not.toBe(first);
    expect(h.fake.conversations().map((c) => c.id)).not.toContain(first);
  });
});

describe('responses backend: previous_response mode', () => {
  it('chains responses with previous_response_id and creates no conversation', async () => {
    h = await Harness.start('responses', { assistant: { conversationMode: 'previous_response' } });
    h.fake.setScript((ctx) => [text(`history ${ctx.history.length}`)]);
    await h.ask('first');
    const events = await h.ask('second');
    expect(answerText(events)).toBe('history 2');
    const [first, second] = posts(h);
    expect(first?.json).not.toHaveProperty('previous_response_id');
    expect(first?.json).not.toHaveProperty('conversation');
    expect(second?.json).toMatchObject({ previous_response_id: h.fake.responses()[0]?.id });
    expect(h.fake.conversations()).toEqual([]);
    expect((await h.store.threads.get(h.key))?.lastResponseId).toBe(h.fake.responses()[1]?.id);
  });
});
