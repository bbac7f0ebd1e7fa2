import { describe, expect, it } from 'vitest';
import {
  eventsOfType,
  TEST_KEY,
  testMessage,
  useOrchestratorFixture,
} from '../../test/support/orchestrator-fixture.js';
import { aborted, ScriptedBackend } from '../../test/support/scripted-backend.js';
import { conversationKey } from '../core/conversation.js';

const t = useOrchestratorFixture();

/** A run that streams a little, then waits: stopped by shutdown it is left going, as the real backends leave it. */
const interruptedRun = () =>
  new ScriptedBackend(async function* (io) {
    yield { type: 'run.created', checkpoint: { runId: 'run_1', position: '4' } };
    yield { type: 'text.delta', itemId: 'm1', delta: 'Hel' };
    await aborted(io.request.signal);
  });

describe('resuming runs left unfinished', () => {
  it('keeps what was posted in the run record, and the next start finishes that answer in place', async () => {
    const first = t.orchestrator(interruptedRun());
    await first.submit(testMessage('1', 'hello', { userId: 'alice' }));
    await t.renderer.waitFor(() => t.renderer.allEvents().some((e) => e.type === 'text.delta'));
    await first.stop(0);
    expect(eventsOfType(t.renderer.allEvents(), 'done')).toEqual([]);
    expect(await t.store.runs.get(TEST_KEY)).toMatchObject({
      runId: 'run_1',
      position: '4',
      userId: 'alice',
      messageIds: ['1'],
      posted: { 'text:m1': ['msg-m1'] },
    });

    const resumed = new ScriptedBackend(async function* (io) {
      expect(io.request.resume).toEqual({ runId: 'run_1', position: '4' });
      yield { type: 'text.done', itemId: 'm1', text: 'Hello.', annotations: [] };
      yield { type: 'usage', usage: { inputTokens: 3, outputTokens: 2, reasoningTokens: 0 } };
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const second = t.orchestrator(resumed);
    expect(await second.resumeUnfinished()).toBe(1);
    await second.idle();

    expect(resumed.runs).toHaveLength(1);
    expect(resumed.runs[0]).toMatchObject({ key: TEST_KEY, threadId: 'thread_1', messages: [] });
    expect(resumed.createdThreads).toEqual([]);
    const render = t.renderer.renders.at(-1);
    expect(render?.replyTo).toEqual({ to: '1' });
    expect(render?.resumedFrom).toEqual({ 'text:m1': ['msg-m1'] });
    expect(eventsOfType(render?.events ?? [], 'text.done').map((e) => e.text)).toEqual(['Hello.']);
    expect(eventsOfType(render?.events ?? [], 'done')[0]?.ending).toEqual({ kind: 'completed' });
    // Usage is counted for the user who asked, and the record is gone once the answer is shown.
    expect((await t.store.usage.forUser('alice', new Date())).outputTokens).toBe(2);
    expect(await t.store.runs.get(TEST_KEY)).toBeUndefined();
  });

  it('answers messages that arrive while a resumed run goes, after it', async () => {
    const first = t.orchestrator(interruptedRun());
    await first.submit(testMessage('1'));
    await t.renderer.waitFor(() => t.renderer.allEvents().some((e) => e.type === 'text.delta'));
    await first.stop(0);

    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const backend = new ScriptedBackend(async function* (io) {
      if (io.request.resume) await gate;
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const second = t.orchestrator(backend);
    await second.resumeUnfinished();
    expect(await second.submit(testMessage('2', 'next'))).toBe('queued');
    release();
    await second.idle();
    expect(backend.runs.map((r) => (r.resume ? 'resumed' : r.messages.map((m) => m.text).join()))).toEqual([
      'resumed',
      'next',
    ]);
  });

  it('drops a run of the other backend instead of resuming it', async () => {
    await t.store.runs.set({
      key: conversationKey('test', 'old'),
      backend: 'responses',
      threadId: 'conv_1',
      runId: 'resp_1',
      messageIds: ['1'],
      userId: 'u1',
      replyTo: { to: '1' },
      startedAt: 0,
    });
    const backend = new ScriptedBackend(async function* () {
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    expect(await t.orchestrator(backend).resumeUnfinished()).toBe(0);
    expect(backend.runs).toEqual([]);
    expect(await t.store.runs.list()).toEqual([]);
  });
});
