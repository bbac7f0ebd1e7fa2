import { describe, expect, it } from 'vitest';
import { TEST_KEY, testMessage, useOrchestratorFixture } from '../../../test/support/orchestrator-fixture.js';
import { aborted, ScriptedBackend } from '../../../test/support/scripted-backend.js';

const t = useOrchestratorFixture();

/** A backend whose first run waits for `release()`; every run answers with the texts it was given. */
function gatedBackend() {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const backend: ScriptedBackend = new ScriptedBackend(async function* (io) {
    yield { type: 'run.created', checkpoint: { runId: `run_${backend.runs.length}` } };
    if (backend.runs.length === 1) await Promise.race([gate, aborted(io.request.signal)]);
    if (io.request.signal.reason === 'shutdown') return;
    const text = io.request.messages.map((m) => m.text).join(' & ');
    yield { type: 'text.done', itemId: `m${backend.runs.length}`, text, annotations: [] };
    yield { type: 'ended', ending: { kind: 'completed' } };
  });
  return { backend, release };
}

const texts = (backend: ScriptedBackend) =>
  backend.runs.map((r) => r.messages.map((m) => m.text).join(' & '));

describe('several instances on one store', () => {
  it('hands a message for a conversation another instance runs over to it, answered in its next turn', async () => {
    const a = gatedBackend();
    const b = gatedBackend();
    const first = t.orchestrator(a.backend);
    const second = t.orchestrator(b.backend);
    expect(await first.submit(testMessage('1', 'one'))).toBe('started');
    await t.renderer.waitFor(() => t.renderer.allEvents().some((e) => e.type === 'run.started'));
    expect(await second.submit(testMessage('2', 'two'))).toBe('queued');
    expect(await second.submit(testMessage('3', 'three'))).toBe('queued');
    expect(second.isBusy(TEST_KEY)).toBe(false);
    a.release();
    await first.idle();
    expect(texts(a.backend)).toEqual(['one', 'two & three']);
    expect(b.backend.runs).toEqual([]);
    expect(await t.store.handoffs.count(TEST_KEY)).toBe(0);
    // Once the holder let go, the next message starts at whichever instance gets it.
    expect(await second.submit(testMessage('4', 'four'))).toBe('started');
    await second.idle();
    expect(texts(b.backend)).toEqual(['four']);
  });

  it('keeps the messages still waiting at shutdown, and the next start answers them', async () => {
    const a = gatedBackend();
    const first = t.orchestrator(a.backend);
    await first.submit(testMessage('1', 'one'));
    await t.renderer.waitFor(() => t.renderer.allEvents().some((e) => e.type === 'run.started'));
    expect(await first.submit(testMessage('2', 'two'))).toBe('queued');
    await first.stop(0);
    expect(await t.store.handoffs.count(TEST_KEY)).toBe(1);

    const b = gatedBackend();
    b.release();
    const next = t.orchestrator(b.backend);
    expect(await next.resumeUnfinished()).toBe(1);
    await next.idle();
    // The interrupted run is resumed first, then the message that waited.
    expect(
      b.backend.runs.map((r) => (r.resume ? `resume ${r.resume.runId}` : texts(b.backend).at(-1))),
    ).toEqual(['resume run_1', 'two']);
  });
});
