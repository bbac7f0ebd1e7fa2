import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordingRenderer } from '../../test/support/recording-renderer.js';
import { aborted, ScriptedBackend } from '../../test/support/scripted-backend.js';
import type { LimitsConfig, RunConfig } from '../config/types.js';
import { conversationKey } from '../core/conversation.js';
import { silentLogger } from '../core/logger.js';
import type { InboundMessage } from '../core/messages.js';
import type { Metrics } from '../core/metrics.js';
import type { ReplyEvent } from '../core/reply-events.js';
import { createStore } from '../store/create-store.js';
import type { Store } from '../store/types.js';
import { BUILT_IN_TOOLS, createToolRegistry } from '../tools/index.js';
import { Orchestrator } from './orchestrator.js';

const RUN: RunConfig = {
  timeoutMs: 5000,
  toolTimeoutMs: 1000,
  maxQueuedMessages: 3,
  maxAttachmentBytes: 1024,
};
const key = conversationKey('test', 'c1');
let dir: string;
let store: Store;
let renderer: RecordingRenderer;

function message(id: string, text = `message ${id}`, extra: Partial<InboundMessage> = {}): InboundMessage {
  return { id, key, userId: 'u1', text, files: [], replyTo: { to: id }, receivedAt: 0, ...extra };
}

function orchestrator(backend: ScriptedBackend, run: RunConfig = RUN, limits?: LimitsConfig): Orchestrator {
  const tools = createToolRegistry(BUILT_IN_TOOLS, ['current_time']);
  const o = new Orchestrator({
    backend,
    store,
    tools,
    run,
    logger: silentLogger(),
    ...(limits ? { limits } : {}),
  });
  o.registerRenderer('test', renderer);
  return o;
}

const ofType = <T extends ReplyEvent['type']>(events: ReplyEvent[], type: T) =>
  events.filter((e): e is Extract<ReplyEvent, { type: T }> => e.type === type);

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'orchestrator-'));
  store = await createStore({ kind: 'sqlite', path: join(dir, 'store.sqlite') });
  renderer = new RecordingRenderer();
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Orchestrator', () => {
  it('streams a run as reply events and ends with a completed done', async () => {
    const backend = new ScriptedBackend(async function* () {
      yield { type: 'run.created', checkpoint: { runId: 'run_1' } };
      yield { type: 'text.delta', itemId: 'm1', delta: 'Hel' };
      yield { type: 'text.delta', itemId: 'm1', delta: 'lo' };
      yield { type: 'text.done', itemId: 'm1', text: 'Hello', annotations: [] };
      yield { type: 'usage', usage: { inputTokens: 10, outputTokens: 2, reasoningTokens: 0 } };
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const o = orchestrator(backend);
    expect(await o.submit(message('1'))).toBe('started');
    await o.idle();
    expect(renderer.renders).toHaveLength(1);
    expect(renderer.renders[0]?.replyTo).toEqual({ to: '1' });
    expect(renderer.allEvents().map((e) => e.type)).toEqual([
      'run.started',
      'text.delta',
      'text.delta',
      'text.done',
      'usage',
      'done',
    ]);
    expect(ofType(renderer.allEvents(), 'done')[0]).toEqual({ type: 'done', ending: { kind: 'completed' } });
    expect(await store.usage.forUser('u1', new Date())).toMatchObject({
      inputTokens: 10,
      outputTokens: 2,
      runs: 1,
    });
    expect(await store.runs.get(key)).toBeUndefined();
  });

  it('queues messages sent during an active run and sends them together in the next run', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const backend: ScriptedBackend = new ScriptedBackend(async function* (io) {
      yield { type: 'run.created', checkpoint: { runId: `run_${backend.runs.length}` } };
      if (backend.runs.length === 1) await gate;
      const texts = io.request.messages.map((m) => m.text).join('+');
      yield { type: 'text.done', itemId: `m${backend.runs.length}`, text: texts, annotations: [] };
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const o = orchestrator(backend);
    expect(await o.submit(message('1', 'a'))).toBe('started');
    await renderer.waitFor(() => renderer.allEvents().some((e) => e.type === 'run.started'));
    expect(await o.submit(message('2', 'b'))).toBe('queued');
    expect(await o.submit(message('3', 'c'))).toBe('queued');
    release();
    await o.idle();
    expect(backend.runs.map((r) => r.messages.map((m) => m.text))).toEqual([['a'], ['b', 'c']]);
    expect(ofType(renderer.allEvents(), 'text.done').map((e) => e.text)).toEqual(['a', 'b+c']);
    // The batched run answers in the thread of the latest message, and both runs used one assistant thread.
    expect(renderer.renders.map((r) => r.replyTo.to)).toEqual(['1', '3']);
    expect(backend.createdThreads).toEqual(['thread_1']);
  });

  it('keeps the in-flight run and its latest checkpoint in the store, and clears it at the end', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const backend = new ScriptedBackend(async function* () {
      yield { type: 'run.created', checkpoint: { runId: 'resp_1', position: '3' } };
      yield { type: 'checkpoint', checkpoint: { runId: 'resp_2', position: '17' } };
      yield { type: 'status', text: 'working' };
      await gate;
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const o = orchestrator(backend);
    await o.submit(message('1'));
    await renderer.waitFor(() => renderer.allEvents().some((e) => e.type === 'status'));
    expect(await store.runs.get(key)).toMatchObject({
      runId: 'resp_2',
      position: '17',
      threadId: 'thread_1',
      messageIds: ['1'],
      replyTo: { to: '1' },
    });
    release();
    await o.idle();
    expect(await store.runs.get(key)).toBeUndefined();
  });

  it('reports time to first text, tokens, queue depth and the ending to the metrics', async () => {
    const seen: string[] = [];
    const metrics: Metrics = {
      runEnded: (backend, ending) => seen.push(`ended ${backend} ${ending}`),
      firstText: (backend) => seen.push(`first text ${backend}`),
      tokens: (_backend, usage) => seen.push(`tokens ${usage.inputTokens}`),
      queueDepth: (depth) => seen.push(`queue ${depth}`),
      platformProblem: () => {},
    };
    const backend = new ScriptedBackend(async function* () {
      yield { type: 'text.delta', itemId: 'm', delta: 'a' };
      yield { type: 'text.delta', itemId: 'm', delta: 'b' };
      yield { type: 'usage', usage: { inputTokens: 7, outputTokens: 1, reasoningTokens: 0 } };
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const o = new Orchestrator({
      backend,
      store,
      tools: createToolRegistry(BUILT_IN_TOOLS, []),
      run: RUN,
      logger: silentLogger(),
      metrics,
    });
    o.registerRenderer('test', renderer);
    await o.submit(message('1'));
    await o.idle();
    expect(seen).toEqual(['queue 0', 'first text assistants', 'tokens 7', 'ended assistants completed']);
  });

  it('refuses a user over the per-minute limit with a clear reply, and others still get answers', async () => {
    const backend = new ScriptedBackend(async function* () {
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const o = orchestrator(backend, RUN, {
      perUserPerMinute: 2,
      dailyTokensPerUser: 0,
      dailyTokensPerConversation: 0,
    });
    expect(await o.submit(message('1'))).toBe('started');
    await o.idle();
    expect(await o.submit(message('2'))).toBe('started');
    await o.idle();
    expect(await o.submit(message('3'))).toBe('refused');
    const refusal = renderer.renders.find((r) => r.replyTo.to === '3')?.events;
    expect(refusal).toEqual([
      { type: 'error', code: 'rate_limited', text: expect.stringMatching(/at most 2 a minute.*wait \d+ s/) },
    ]);
    expect(await o.submit(message('4', 'hi', { userId: 'u2' }))).toBe('started');
    await o.idle();
    expect(backend.runs).toHaveLength(3);
  });

  it('refuses once the user’s or the conversation’s daily token budget is spent', async () => {
    const backend = new ScriptedBackend(async function* () {
      yield { type: 'usage', usage: { inputTokens: 600, outputTokens: 500, reasoningTokens: 100 } };
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const perUser = orchestrator(backend, RUN, {
      perUserPerMinute: 0,
      dailyTokensPerUser: 1000,
      dailyTokensPerConversation: 0,
    });
    expect(await perUser.submit(message('1'))).toBe('started');
    await perUser.idle();
    expect(await perUser.submit(message('2'))).toBe('refused');
    expect(renderer.renders.at(-1)?.events[0]).toMatchObject({
      code: 'budget_exceeded',
      text: expect.stringMatching(/daily budget of 1,000 tokens.*midnight UTC/),
    });

    const perConversation = orchestrator(backend, RUN, {
      perUserPerMinute: 0,
      dailyTokensPerUser: 0,
      dailyTokensPerConversation: 1000,
    });
    expect(await perConversation.submit(message('3', 'x', { userId: 'someone-else' }))).toBe('refused');
    expect(renderer.renders.at(-1)?.events[0]).toMatchObject({
      text: expect.stringMatching(/This conversation/),
    });
    expect(backend.runs).toHaveLength(1);
  });

  it('answers a redelivered message only once', async () => {
    const backend = new ScriptedBackend(async function* () {
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const o = orchestrator(backend);
    expect(await o.submit(message('1'))).toBe('started');
    expect(await o.submit(message('1'))).toBe('duplicate');
    await o.idle();
    expect(await o.submit(message('1'))).toBe('duplicate');
    expect(backend.runs).toHaveLength(1);
  });

  it('tells the user when the queue is full, and still answers the queued messages', async () => {
    const backend = new ScriptedBackend(async function* (io) {
      if (backend.runs.length === 1) await aborted(io.request.signal);
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const o = orchestrator(backend);
    await o.submit(message('1'));
    for (const id of ['2', '3', '4']) expect(await o.submit(message(id))).toBe('queued');
    expect(await o.submit(message('5'))).toBe('queue_full');
    const full = renderer.renders.find((r) => r.replyTo.to === '5');
    expect(full?.events).toEqual([
      { type: 'error', code: 'queue_full', text: expect.stringContaining('Too many') },
    ]);
    o.cancel(key);
    await o.idle();
    expect(backend.runs[1]?.messages).toHaveLength(3);
  });

  it('cancels the active run and says so', async () => {
    const backend = new ScriptedBackend(async function* (io) {
      yield { type: 'run.created', checkpoint: { runId: 'run_1' } };
      await aborted(io.request.signal);
      yield { type: 'ended', ending: { kind: 'cancelled' } };
    });
    const o = orchestrator(backend);
    await o.submit(message('1'));
    await renderer.waitFor(() => renderer.allEvents().some((e) => e.type === 'run.started'));
    expect(o.cancel(key)).toBe(true);
    await o.idle();
    expect(ofType(renderer.allEvents(), 'done')).toEqual([
      { type: 'done', ending: { kind: 'cancelled' }, notice: 'Stopped.' },
    ]);
    expect(o.cancel(key)).toBe(false);
  });

  it('stops a run that exceeds the run timeout and reports a timeout', async () => {
    const backend = new ScriptedBackend(async function* (io) {
      await aborted(io.request.signal);
      yield { type: 'ended', ending: { kind: 'cancelled' } };
    });
    const o = orchestrator(backend, { ...RUN, timeoutMs: 50 });
    await o.submit(message('1'));
    await o.idle();
    const done = ofType(renderer.allEvents(), 'done')[0];
    expect(done?.ending).toEqual({ kind: 'timeout' });
    expect(done?.notice).toMatch(/too long/);
  });

  it('runs each round of function calls and submits exactly that round’s outputs', async () => {
    const backend = new ScriptedBackend(async function* (io) {
      yield {
        type: 'action.required',
        calls: [
          { callId: 'c1', name: 'current_time', arguments: '{"timezone":"Asia/Tokyo"}' },
          { callId: 'c2', name: 'launch_rockets', arguments: '{}' },
          { callId: 'c3', name: 'current_time', arguments: '{"timezone":42}' },
        ],
      };
      const first = io.outputs;
      yield { type: 'action.required', calls: [{ callId: 'c4', name: 'current_time', arguments: '' }] };
      yield {
        type: 'text.done',
        itemId: 'm',
        text: `${first?.length} then ${io.outputs?.length}`,
        annotations: [],
      };
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const o = orchestrator(backend);
    await o.submit(message('1'));
    await o.idle();
    expect(backend.submitted.map((round) => round.map((o) => o.callId))).toEqual([
      ['c1', 'c2', 'c3'],
      ['c4'],
    ]);
    const [tokyo, unknown, invalid] = backend.submitted[0] ?? [];
    expect(JSON.parse(tokyo?.output ?? '')).toMatchObject({ timezone: 'Asia/Tokyo' });
    expect(unknown?.output).toMatch(/unknown function.*launch_rockets/i);
    expect(invalid?.output).toMatch(/^Error/);
    expect(backend.submitted[1]?.[0]?.output).toMatch(/"timezone":"UTC"/);
    // Calls of one round run in parallel, so their events come in the order they finish.
    const tools = ofType(renderer.allEvents(), 'tool')
      .map((e) => e.call)
      .sort((a, b) => a.id.localeCompare(b.id));
    expect(tools.map((c) => (c.kind === 'function' ? [c.id, c.name, c.isError] : c.kind))).toEqual([
      ['c1', 'current_time', false],
      ['c2', 'launch_rockets', true],
      ['c3', 'current_time', true],
      ['c4', 'current_time', false],
    ]);
  });

  it('turns a backend failure into a short error message, never the exception text', async () => {
    const backend = new ScriptedBackend(async function* () {
      yield { type: 'run.created', checkpoint: { runId: 'run_1' } };
      throw new Error('socket hang up at 10.0.0.1 with key sk-secret');
    });
    const o = orchestrator(backend);
    await o.submit(message('1'));
    await o.idle();
    const errors = ofType(renderer.allEvents(), 'error');
    expect(errors).toEqual([{ type: 'error', code: 'internal', text: expect.any(String) }]);
    expect(JSON.stringify(renderer.allEvents())).not.toContain('sk-secret');
    // The conversation is usable afterwards.
    backend.script = async function* () {
      yield { type: 'ended', ending: { kind: 'completed' } };
    };
    await o.submit(message('2'));
    await o.idle();
    expect(ofType(renderer.allEvents(), 'done')).toHaveLength(1);
  });

  it('removes raw citation markers while streaming and numbers them in the final text', async () => {
    const backend = new ScriptedBackend(async function* () {
      yield { type: 'text.delta', itemId: 'm', delta: 'Revenue grew【4:0' };
      yield { type: 'text.delta', itemId: 'm', delta: '†report.pdf】.' };
      yield {
        type: 'text.done',
        itemId: 'm',
        text: 'Revenue grew【4:0†report.pdf】.',
        annotations: [{ text: '【4:0†report.pdf】', citation: { label: 'report.pdf' } }],
      };
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const o = orchestrator(backend);
    await o.submit(message('1'));
    await o.idle();
    const streamed = ofType(renderer.allEvents(), 'text.delta')
      .map((e) => e.delta)
      .join('');
    expect(streamed).toBe('Revenue grew.');
    const done = ofType(renderer.allEvents(), 'text.done')[0];
    expect(done?.text).toBe('Revenue grew[1].');
    expect(done?.citations).toEqual([{ index: 1, label: 'report.pdf' }]);
  });

  it('delivers each generated file once, however often it is referenced', async () => {
    const backend = new ScriptedBackend(async function* () {
      yield { type: 'file', kind: 'image', ref: { fileId: 'img' } };
      yield { type: 'file', kind: 'image', ref: { fileId: 'img' } };
      yield {
        type: 'text.done',
        itemId: 'm',
        text: 'See [data](sandbox:/mnt/data/data.csv)',
        annotations: [{ text: 'sandbox:/mnt/data/data.csv', file: { fileId: 'csv', name: 'data.csv' } }],
      };
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    backend.files.set('img', {
      kind: 'image',
      name: 'chart.png',
      mimeType: 'image/png',
      bytes: new Uint8Array([1]),
    });
    backend.files.set('csv', {
      kind: 'file',
      name: 'data.csv',
      mimeType: 'text/csv',
      bytes: new Uint8Array([2]),
    });
    const o = orchestrator(backend);
    await o.submit(message('1'));
    await o.idle();
    expect(ofType(renderer.allEvents(), 'file').map((e) => [e.file.name, e.file.kind])).toEqual([
      ['chart.png', 'image'],
      ['data.csv', 'file'],
    ]);
    expect(ofType(renderer.allEvents(), 'text.done')[0]?.text).toBe('See [data](data.csv)');
  });

  it('refuses an oversized or unsupported attachment with a notice and runs without it', async () => {
    const backend = new ScriptedBackend(async function* () {
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const o = orchestrator(backend);
    const files = [
      { name: 'big.csv', mimeType: 'text/csv', bytes: new Uint8Array(2048) },
      { name: 'tool.exe', mimeType: 'application/octet-stream', bytes: new Uint8Array(10) },
      { name: 'ok.csv', mimeType: 'text/csv', bytes: new Uint8Array(10) },
    ];
    await o.submit(message('1', 'analyse', { files }));
    await o.idle();
    const notices = ofType(renderer.allEvents(), 'notice').map((e) => e.text);
    expect(notices).toEqual([
      expect.stringMatching(/big\.csv is .*limit/),
      expect.stringMatching(/tool\.exe.*not supported/),
    ]);
    expect(backend.runs[0]?.messages[0]?.files).toEqual([
      { fileId: 'file_1', name: 'ok.csv', use: 'code_interpreter' },
    ]);
  });

  it('resets to a new assistant thread and deletes the old one', async () => {
    const backend = new ScriptedBackend(async function* () {
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const o = orchestrator(backend);
    await o.submit(message('1'));
    await o.idle();
    await o.reset(key);
    expect(backend.deletedThreads).toEqual(['thread_1']);
    expect(await store.threads.get(key)).toBeUndefined();
    await o.submit(message('2'));
    await o.idle();
    expect(backend.runs.map((r) => r.threadId)).toEqual(['thread_1', 'thread_2']);
  });

  it('reset during a run cancels it, and a message already waiting goes to the new thread', async () => {
    const backend = new ScriptedBackend(async function* (io) {
      if (backend.runs.length === 1) {
        yield { type: 'run.created', checkpoint: { runId: 'run_1' } };
        await aborted(io.request.signal);
        yield { type: 'ended', ending: { kind: 'cancelled' } };
        return;
      }
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const o = orchestrator(backend);
    await o.submit(message('1'));
    await renderer.waitFor(() => renderer.allEvents().some((e) => e.type === 'run.started'));
    await o.submit(message('2'));
    await o.reset(key);
    await o.idle();
    expect(backend.runs.map((r) => [r.threadId, r.messages[0]?.text])).toEqual([
      ['thread_1', 'message 1'],
      ['thread_2', 'message 2'],
    ]);
    expect(backend.deletedThreads).toEqual(['thread_1']);
  });

  it('starts a new assistant thread when the service lost the old one', async () => {
    const backend = new ScriptedBackend(async function* () {
      yield { type: 'text.done', itemId: 'm', text: 'fresh', annotations: [] };
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const o = orchestrator(backend);
    await store.threads.set(key, {
      threadId: 'thread_old',
      backend: 'assistants',
      createdAt: 0,
      lastUsedAt: 0,
    });
    backend.goneThreads.add('thread_old');
    await o.submit(message('1'));
    await o.idle();
    expect(backend.runs.map((r) => r.threadId)).toEqual(['thread_old', 'thread_1']);
    expect(ofType(renderer.allEvents(), 'text.done')[0]?.text).toBe('fresh');
    expect((await store.threads.get(key))?.threadId).toBe('thread_1');
  });

  it.each([
    [{ kind: 'incomplete', reason: 'max_output_tokens' } as const, /maximum answer length/],
    [
      { kind: 'failed', code: 'server_error', message: 'internal at /srv/x.py:12' } as const,
      /internal error/,
    ],
    [{ kind: 'expired' } as const, /expired/],
  ])('gives every ending a user-facing notice: %o', async (ending, notice) => {
    const backend = new ScriptedBackend(async function* () {
      yield { type: 'ended', ending };
    });
    const o = orchestrator(backend);
    await o.submit(message('1'));
    await o.idle();
    const done = ofType(renderer.allEvents(), 'done')[0];
    expect(done?.notice).toMatch(notice);
    expect(done?.notice).not.toMatch(/srv/);
  });

  it('ends in an error event when a backend stream stops without an ending', async () => {
    const backend = new ScriptedBackend(async function* () {
      yield { type: 'text.delta', itemId: 'm', delta: 'half' };
    });
    const o = orchestrator(backend);
    await o.submit(message('1'));
    await o.idle();
    expect(ofType(renderer.allEvents(), 'done')[0]?.ending.kind).toBe('failed');
  });
});
