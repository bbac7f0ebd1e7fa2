import { describe, expect, it } from 'vitest';
import {
  eventsOfType,
  TEST_KEY,
  TEST_RUN_CONFIG,
  testMessage,
  useOrchestratorFixture,
} from '../../test/support/orchestrator-fixture.js';
import { aborted, ScriptedBackend } from '../../test/support/scripted-backend.js';
import { conversationKey } from '../core/conversation.js';

const t = useOrchestratorFixture();

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
    const o = t.orchestrator(backend);
    expect(await o.submit(testMessage('1'))).toBe('started');
    await o.idle();
    expect(t.renderer.renders).toHaveLength(1);
    expect(t.renderer.renders[0]?.replyTo).toEqual({ to: '1' });
    expect(t.renderer.allEvents().map((e) => e.type)).toEqual([
      'run.started',
      'text.delta',
      'text.delta',
      'text.done',
      'usage',
      'done',
    ]);
    expect(eventsOfType(t.renderer.allEvents(), 'done')[0]).toEqual({
      type: 'done',
      ending: { kind: 'completed' },
    });
    expect(await t.store.usage.forUser('u1', new Date())).toMatchObject({
      inputTokens: 10,
      outputTokens: 2,
      runs: 1,
    });
    expect(await t.store.runs.get(TEST_KEY)).toBeUndefined();
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
    const o = t.orchestrator(backend);
    expect(await o.submit(testMessage('1', 'a'))).toBe('started');
    await t.renderer.waitFor(() => t.renderer.allEvents().some((e) => e.type === 'run.started'));
    expect(await o.submit(testMessage('2', 'b'))).toBe('queued');
    expect(await o.submit(testMessage('3', 'c'))).toBe('queued');
    release();
    await o.idle();
    expect(backend.runs.map((r) => r.messages.map((m) => m.text))).toEqual([['a'], ['b', 'c']]);
    expect(eventsOfType(t.renderer.allEvents(), 'text.done').map((e) => e.text)).toEqual(['a', 'b+c']);
    // The batched run answers in the thread of the latest message, and both runs used one assistant thread.
    expect(t.renderer.renders.map((r) => r.replyTo.to)).toEqual(['1', '3']);
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
    const o = t.orchestrator(backend);
    await o.submit(testMessage('1'));
    await t.renderer.waitFor(() => t.renderer.allEvents().some((e) => e.type === 'status'));
    expect(await t.store.runs.get(TEST_KEY)).toMatchObject({
      runId: 'resp_2',
      position: '17',
      threadId: 'thread_1',
      messageIds: ['1'],
      replyTo: { to: '1' },
    });
    release();
    await o.idle();
    expect(await t.store.runs.get(TEST_KEY)).toBeUndefined();
  });

  it('keeps a conversation’s messages in the order they were submitted, even when the store is slow', async () => {
    let releaseFirst!: () => void;
    const firstClaim = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const claim = t.store.dedupe.claim.bind(t.store.dedupe);
    t.store.dedupe.claim = async (mark, ttlMs) => {
      if (mark.endsWith(':1')) await firstClaim;
      return claim(mark, ttlMs);
    };
    const backend = new ScriptedBackend(async function* (io) {
      yield {
        type: 'text.done',
        itemId: 'm',
        text: io.request.messages.map((m) => m.text).join('+'),
        annotations: [],
      };
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const o = t.orchestrator(backend);
    const first = o.submit(testMessage('1', 'first'));
    const second = o.submit(testMessage('2', 'second'));
    releaseFirst();
    expect(await first).toBe('started');
    expect(await second).toBe('queued');
    await o.idle();
    expect(backend.runs.map((r) => r.messages.map((m) => m.text))).toEqual([['first'], ['second']]);
  });

  it('lets a running answer finish within the shutdown grace, and leaves one that runs past it for the next start', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const backend: ScriptedBackend = new ScriptedBackend(async function* (io) {
      yield { type: 'run.created', checkpoint: { runId: `run_${backend.runs.length}` } };
      if (io.request.messages[0]?.text === 'quick') await gate;
      else await aborted(io.request.signal);
      // As the real backends do: a run stopped by shutdown is left going at the service, unended.
      if (io.request.signal.reason === 'shutdown') return;
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const o = t.orchestrator(backend);
    await o.submit(testMessage('1', 'quick'));
    await o.submit(testMessage('2', 'slow', { key: conversationKey('test', 'c2') }));
    await t.renderer.waitFor(() => eventsOfType(t.renderer.allEvents(), 'run.started').length === 2);
    const stopping = o.stop(200);
    release();
    await stopping;
    const endings = Object.fromEntries(
      t.renderer.renders.map((r) => [r.replyTo.to, eventsOfType(r.events, 'done')[0]?.ending.kind]),
    );
    expect(endings).toEqual({ '1': 'completed', '2': undefined });
    // The one cut off keeps its run record, checkpointed for the next start; the finished one does not.
    expect(await t.store.runs.get(TEST_KEY)).toBeUndefined();
    expect(await t.store.runs.get(conversationKey('test', 'c2'))).toMatchObject({ runId: 'run_2' });
  });

  it('answers a redelivered message only once', async () => {
    const backend = new ScriptedBackend(async function* () {
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const o = t.orchestrator(backend);
    expect(await o.submit(testMessage('1'))).toBe('started');
    expect(await o.submit(testMessage('1'))).toBe('duplicate');
    await o.idle();
    expect(await o.submit(testMessage('1'))).toBe('duplicate');
    expect(backend.runs).toHaveLength(1);
  });

  it('tells the user when the queue is full, and still answers the queued messages', async () => {
    const backend = new ScriptedBackend(async function* (io) {
      if (backend.runs.length === 1) await aborted(io.request.signal);
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const o = t.orchestrator(backend);
    await o.submit(testMessage('1'));
    for (const id of ['2', '3', '4']) expect(await o.submit(testMessage(id))).toBe('queued');
    expect(await o.submit(testMessage('5'))).toBe('queue_full');
    const full = t.renderer.renders.find((r) => r.replyTo.to === '5');
    expect(full?.events).toEqual([
      { type: 'error', code: 'queue_full', text: expect.stringContaining('Too many') },
    ]);
    await o.cancel(TEST_KEY);
    await o.idle();
    expect(backend.runs[1]?.messages).toHaveLength(3);
  });

  it('cancels the active run and says so', async () => {
    const backend = new ScriptedBackend(async function* (io) {
      yield { type: 'run.created', checkpoint: { runId: 'run_1' } };
      await aborted(io.request.signal);
      yield { type: 'ended', ending: { kind: 'cancelled' } };
    });
    const o = t.orchestrator(backend);
    await o.submit(testMessage('1'));
    await t.renderer.waitFor(() => t.renderer.allEvents().some((e) => e.type === 'run.started'));
    expect(await o.cancel(TEST_KEY)).toBe(true);
    await o.idle();
    expect(eventsOfType(t.renderer.allEvents(), 'done')).toEqual([
      { type: 'done', ending: { kind: 'cancelled' }, notice: 'Stopped.' },
    ]);
    expect(await o.cancel(TEST_KEY)).toBe(false);
  });

  it('stops a run that exceeds the run timeout and reports a timeout', async () => {
    const backend = new ScriptedBackend(async function* (io) {
      await aborted(io.request.signal);
      yield { type: 'ended', ending: { kind: 'cancelled' } };
    });
    const o = t.orchestrator(backend, { ...TEST_RUN_CONFIG, timeoutMs: 50 });
    await o.submit(testMessage('1'));
    await o.idle();
    const done = eventsOfType(t.renderer.allEvents(), 'done')[0];
    expect(done?.ending).toEqual({ kind: 'timeout' });
    expect(done?.notice).toMatch(/too long/);
  });

  it('resets to a new assistant thread and deletes the old one', async () => {
    const backend = new ScriptedBackend(async function* () {
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const o = t.orchestrator(backend);
    await o.submit(testMessage('1'));
    await o.idle();
    await o.reset(TEST_KEY);
    expect(backend.deletedThreads).toEqual(['thread_1']);
    expect(await t.store.threads.get(TEST_KEY)).toBeUndefined();
    await o.submit(testMessage('2'));
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
    const o = t.orchestrator(backend);
    await o.submit(testMessage('1'));
    await t.renderer.waitFor(() => t.renderer.allEvents().some((e) => e.type === 'run.started'));
    await o.submit(testMessage('2'));
    await o.reset(TEST_KEY);
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
    const o = t.orchestrator(backend);
    await t.store.threads.set(TEST_KEY, {
      threadId: 'thread_old',
      backend: 'assistants',
      createdAt: 0,
      lastUsedAt: 0,
    });
    backend.goneThreads.add('thread_old');
    await o.submit(testMessage('1'));
    await o.idle();
    expect(backend.runs.map((r) => r.threadId)).toEqual(['thread_old', 'thread_1']);
    expect(eventsOfType(t.renderer.allEvents(), 'text.done')[0]?.text).toBe('fresh');
    expect((await t.store.threads.get(TEST_KEY))?.threadId).toBe('thread_1');
  });
});
