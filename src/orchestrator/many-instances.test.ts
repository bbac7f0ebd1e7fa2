import { randomUUID } from 'node:crypto';
import { createClient } from '@keyv/redis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  eventsOfType,
  TEST_KEY,
  TEST_RUN_CONFIG,
  testMessage,
} from '../../test/support/orchestrator-fixture.js';
import { RecordingRenderer } from '../../test/support/recording-renderer.js';
import { aborted, type RunScript, ScriptedBackend } from '../../test/support/scripted-backend.js';
import { silentLogger } from '../core/logger.js';
import { createStore } from '../store/create-store.js';
import type { Store } from '../store/types.js';
import { BUILT_IN_TOOLS, createToolRegistry, defineTool } from '../tools/index.js';
import { approvalIdOf } from './approvals/approvals.js';
import { Orchestrator } from './orchestrator.js';

/**
 * Two orchestrators, as two instances, on one real Redis: what reaches the wrong one still acts on
 * the conversation the other runs, messages keep the platform's order, and a conversation whose
 * holder died is taken over. (test/integration/many-instances*.int.test.ts do this with processes.)
 */

const REDIS_URL = 'redis://127.0.0.1:6379';
const RUN_ID = randomUUID();
const LEASE_MS = 600;

afterAll(async () => {
  const client = createClient({ url: REDIS_URL });
  await client.connect();
  for await (const keys of client.scanIterator({ MATCH: `tl-many-${RUN_ID}-*`, COUNT: 500 })) {
    if (keys.length > 0) await client.unlink(keys);
  }
  await client.close();
});

const refund = defineTool({
  name: 'refund',
  description: 'Refunds an order',
  parameters: z.object({ order: z.number() }),
  requireApproval: true,
  execute: ({ order }) => ({ refunded: order }),
});

interface Instance {
  orchestrator: Orchestrator;
  backend: ScriptedBackend;
  renderer: RecordingRenderer;
  store: Store;
}

let namespace = '';
let count = 0;
const instances: Instance[] = [];

async function instance(name: string, script: RunScript): Promise<Instance> {
  const store = await createStore({ kind: 'redis', url: REDIS_URL }, { namespace });
  const backend = new ScriptedBackend(script);
  const renderer = new RecordingRenderer();
  const orchestrator = new Orchestrator({
    backend,
    store,
    tools: createToolRegistry([...BUILT_IN_TOOLS, refund], ['refund']),
    run: { ...TEST_RUN_CONFIG, conversationLeaseMs: LEASE_MS, maxQueuedMessages: 10 },
    logger: silentLogger(),
    instanceId: `${name}-${RUN_ID}`,
    // Far longer than any test: a decision made elsewhere can only arrive as a signal.
    approvalPollMs: 60_000,
  });
  orchestrator.registerRenderer('test', renderer);
  await orchestrator.start();
  const made = { orchestrator, backend, renderer, store };
  instances.push(made);
  return made;
}

beforeEach(() => {
  namespace = `tl-many-${RUN_ID}-${++count}`;
});
afterEach(async () => {
  for (const { orchestrator, store } of instances.splice(0)) {
    await orchestrator.stop(0);
    await store.close();
  }
});

/** Runs until stopped, then says it was cancelled. */
const untilStopped: RunScript = async function* (io) {
  yield { type: 'run.created', checkpoint: { runId: `run_${randomUUID()}` } };
  await aborted(io.request.signal);
  yield { type: 'ended', ending: { kind: 'cancelled' } };
};
const started = (i: Instance) => () => i.renderer.allEvents().some((e) => e.type === 'run.started');
const texts = (i: Instance) =>
  i.backend.runs.map((r) => (r.resume ? 'resumed' : r.messages.map((m) => m.text).join('+')));

describe('two instances on one Redis', () => {
  it('stops a run going on one instance when the other is asked to', async () => {
    const a = await instance('a', untilStopped);
    const b = await instance('b', untilStopped);
    expect(await a.orchestrator.submit(testMessage('1'))).toBe('started');
    await a.renderer.waitFor(started(a));
    expect(await b.orchestrator.cancel(TEST_KEY)).toBe(true);
    await a.orchestrator.idle();
    expect(eventsOfType(a.renderer.allEvents(), 'done')[0]?.ending).toEqual({ kind: 'cancelled' });
    expect(await b.orchestrator.cancel(TEST_KEY)).toBe(false);
  });

  it('resets the conversation where it runs when the other instance is asked to', async () => {
    const a = await instance('a', untilStopped);
    const b = await instance('b', untilStopped);
    await a.orchestrator.submit(testMessage('1'));
    await a.renderer.waitFor(started(a));
    await b.orchestrator.reset(TEST_KEY);
    // Answered once the run has stopped and the thread is gone, there.
    expect(a.backend.deletedThreads).toEqual(['thread_1']);
    expect(await a.store.threads.get(TEST_KEY)).toBeUndefined();
  });

  it('wakes the waiting call at once when the decision reaches the other instance', async () => {
    const call = { callId: 'call_1', name: 'refund', arguments: '{"order":7}' };
    const a = await instance('a', async function* (io) {
      yield { type: 'run.created', checkpoint: { runId: 'run_1' } };
      yield { type: 'action.required', calls: [call] };
      yield { type: 'text.done', itemId: 'm1', text: io.outputs?.[0]?.output ?? '', annotations: [] };
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const b = await instance('b', untilStopped);
    await a.orchestrator.submit(testMessage('1', 'refund 7', { userId: 'alice' }));
    await a.renderer.waitFor(() => a.renderer.allEvents().some((e) => e.type === 'approval.requested'));
    const approvalId = approvalIdOf(TEST_KEY, call.callId);
    expect(
      await b.orchestrator.decide(approvalId, { userId: 'alice', isApprover: false, approve: true }),
    ).toBe('accepted');
    // The approval poll is a minute: only the signal can have woken it within the renderer's wait.
    await a.renderer.waitFor(() => eventsOfType(a.renderer.allEvents(), 'done').length > 0, 3_000);
    expect(eventsOfType(a.renderer.allEvents(), 'text.done')[0]?.text).toBe('{"refunded":7}');
  });

  it('answers a message still on its way through the other instance before a later one', async () => {
    let releaseFirst!: () => void;
    const firstTurn = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const script: RunScript = async function* (io) {
      if (io.request.messages[0]?.text === 'm1') await firstTurn;
      yield { type: 'ended', ending: { kind: 'completed' } };
    };
    const a = await instance('a', script);
    const b = await instance('b', script);
    await a.orchestrator.submit(testMessage('1', 'm1', { sentAt: 1 }));
    // m1's turn is under way (and held there) before the others are sent.
    await a.renderer.waitFor(() => a.renderer.renders.length === 1);
    // m2 reaches b and is announced, then b stalls before handing it over (a slow store call).
    let resumeB!: () => void;
    const bStalls = new Promise<void>((resolve) => {
      resumeB = resolve;
    });
    const hold = b.store.leases.hold.bind(b.store.leases);
    b.store.leases.hold = async (...args) => {
      await bStalls;
      return hold(...args);
    };
    const m2 = b.orchestrator.submit(testMessage('2', 'm2', { sentAt: 2 }));
    await b.store.arrivals.pending(TEST_KEY).then(async function until(pending): Promise<void> {
      if (!pending.some((p) => p.id === '2')) return b.store.arrivals.pending(TEST_KEY).then(until);
    });
    expect(await a.orchestrator.submit(testMessage('3', 'm3', { sentAt: 3 }))).toBe('queued');
    // a's next turn sees m2 announced (earlier than m3) and waits for it rather than answer m3 alone.
    let aSawM2!: () => void;
    const aWaits = new Promise<void>((resolve) => {
      aSawM2 = resolve;
    });
    const pending = a.store.arrivals.pending.bind(a.store.arrivals);
    a.store.arrivals.pending = async (key) => {
      const announced = await pending(key);
      if (announced.some((p) => p.id === '2')) aSawM2();
      return announced;
    };
    releaseFirst();
    await aWaits;
    resumeB();
    expect(await m2).toBe('queued');
    await a.orchestrator.idle();
    expect(texts(a)).toEqual(['m1', 'm2+m3']);
    expect(b.backend.runs).toEqual([]);
  }, 10_000);

  it('takes over a conversation whose holder died once its lease runs out, and finishes its answer', async () => {
    const dead = await createStore({ kind: 'redis', url: REDIS_URL }, { namespace });
    await dead.leases.hold(TEST_KEY, 'dead-instance', LEASE_MS);
    await dead.runs.set({
      key: TEST_KEY,
      turnId: randomUUID(),
      backend: 'assistants',
      threadId: 'thread_1',
      runId: 'run_1',
      messageIds: ['1'],
      userId: 'u1',
      replyTo: { to: '1' },
      startedAt: Date.now(),
      posted: { 'text:m1': ['msg-m1'] },
    });
    await dead.close();
    const b = await instance('b', async function* () {
      yield { type: 'text.done', itemId: 'm1', text: 'Whole answer.', annotations: [] };
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    // The lease is (normally) still held now: the watch takes the conversation once it has run out.
    await b.orchestrator.resumeUnfinished();
    await b.renderer.waitFor(() => b.renderer.renders.some((r) => r.finished), 4 * LEASE_MS);
    await b.orchestrator.idle();
    expect(b.renderer.renders[0]?.resumedFrom).toEqual({ 'text:m1': ['msg-m1'] });
    expect(texts(b)).toEqual(['resumed']);
    expect(await b.store.runs.list()).toEqual([]);
  });

  it('finishes the answer a dead instance left before answering a new message there', async () => {
    const dead = await createStore({ kind: 'redis', url: REDIS_URL }, { namespace });
    const left = {
      key: TEST_KEY,
      turnId: randomUUID(),
      backend: 'assistants' as const,
      threadId: 'thread_1',
      runId: 'run_1',
      messageIds: ['1'],
      userId: 'u1',
      replyTo: { to: '1' },
      startedAt: Date.now(),
    };
    await dead.runs.set(left);
    await dead.close();
    const b = await instance('b', async function* (io) {
      yield { type: 'text.done', itemId: 'm', text: io.request.resume ? 'old' : 'new', annotations: [] };
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    expect(await b.orchestrator.submit(testMessage('2', 'm2'))).toBe('started');
    await b.orchestrator.idle();
    expect(texts(b)).toEqual(['resumed', 'm2']);
    expect(b.renderer.renders.map((r) => r.replyTo.to)).toEqual(['1', '2']);
    expect(await b.store.runs.list()).toEqual([]);
  });
});
