import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  eventsOfType,
  TEST_KEY,
  TEST_RUN_CONFIG,
  testMessage,
  useOrchestratorFixture,
} from '../../../test/support/orchestrator-fixture.js';
import { type RunIO, ScriptedBackend } from '../../../test/support/scripted-backend.js';
import type { RunConfig } from '../../config/types.js';
import { silentLogger } from '../../core/logger.js';
import { BUILT_IN_TOOLS, createToolRegistry, defineTool } from '../../tools/index.js';
import { Orchestrator } from '../orchestrator.js';
import { Approvals, approvalIdOf } from './approvals.js';

const t = useOrchestratorFixture();

/** Orders the tool made, to prove a call ran (or did not). */
let refunds: number[] = [];
const refund = defineTool({
  name: 'refund',
  description: 'Refunds an order',
  parameters: z.object({ order: z.number() }),
  requireApproval: true,
  execute: ({ order }) => {
    refunds.push(order);
    return { refunded: order };
  },
});

const CALL = { callId: 'call_1', name: 'refund', arguments: '{"order":7}' };
const APPROVAL_ID = approvalIdOf(TEST_KEY, CALL.callId);

/** A run that asks for the refund, then answers with what the tool said (unless shutdown stopped it). */
const refundRun = (options: { resumeOnly?: boolean } = {}) =>
  new ScriptedBackend(async function* (io: RunIO) {
    if (!options.resumeOnly) yield { type: 'run.created', checkpoint: { runId: 'run_1' } };
    yield { type: 'action.required', calls: [CALL] };
    if (io.request.signal.aborted) return;
    yield { type: 'text.done', itemId: 'm1', text: io.outputs?.[0]?.output ?? '', annotations: [] };
    yield { type: 'ended', ending: { kind: 'completed' } };
  });

function orchestrator(
  backend: ScriptedBackend,
  options: { approvalTimeoutMs?: number; run?: RunConfig } = {},
): Orchestrator {
  const o = new Orchestrator({
    backend,
    store: t.store,
    tools: createToolRegistry([...BUILT_IN_TOOLS, refund], ['current_time', 'refund']),
    run: options.run ?? TEST_RUN_CONFIG,
    logger: silentLogger(),
    approvalTimeoutMs: options.approvalTimeoutMs ?? 5000,
    approvalPollMs: 20,
  });
  o.registerRenderer('test', t.renderer);
  return o;
}

const requested = () => eventsOfType(t.renderer.allEvents(), 'approval.requested');
const decided = () => eventsOfType(t.renderer.allEvents(), 'approval.decided');
const answer = () => eventsOfType(t.renderer.allEvents(), 'text.done').at(-1)?.text;
const waitForPrompt = (count = 1) => t.renderer.waitFor(() => requested().length >= count);

describe('approval of tool calls', () => {
  it('runs the call once the user who asked approves it', async () => {
    refunds = [];
    const o = orchestrator(refundRun());
    await o.submit(testMessage('1', 'refund order 7', { userId: 'alice' }));
    await waitForPrompt();
    expect(requested()[0]).toMatchObject({
      approvalId: APPROVAL_ID,
      tool: 'refund',
      arguments: '{"order":7}',
      requesterId: 'alice',
    });
    expect(refunds).toEqual([]);
    expect(await o.decide(APPROVAL_ID, { userId: 'alice', isApprover: false, approve: true })).toBe(
      'accepted',
    );
    await o.idle();
    expect(refunds).toEqual([7]);
    expect(decided()).toEqual([
      { type: 'approval.decided', approvalId: APPROVAL_ID, outcome: 'approved', by: 'alice' },
    ]);
    expect(answer()).toBe('{"refunded":7}');
    // The turn is over: the approval is forgotten, a late click finds nothing.
    expect(await o.decide(APPROVAL_ID, { userId: 'alice', isApprover: false, approve: false })).toBe(
      'unknown',
    );
  });

  it('refuses a stranger’s click, takes an approver’s denial once, and tells the model', async () => {
    refunds = [];
    const o = orchestrator(refundRun());
    await o.submit(testMessage('1', 'refund order 7', { userId: 'alice' }));
    await waitForPrompt();
    expect(await o.decide(APPROVAL_ID, { userId: 'mallory', isApprover: false, approve: true })).toBe(
      'not_allowed',
    );
    expect(await o.decide(APPROVAL_ID, { userId: 'boss', isApprover: true, approve: false })).toBe(
      'accepted',
    );
    expect(await o.decide(APPROVAL_ID, { userId: 'alice', isApprover: false, approve: true })).toBe(
      'already_decided',
    );
    await o.idle();
    expect(refunds).toEqual([]);
    expect(decided().map((e) => [e.outcome, e.by])).toEqual([['denied', 'boss']]);
    expect(JSON.parse(answer() ?? '')).toEqual({ error: 'the user denied this call; it was not run' });
  });

  it('counts no decision within the approval timeout as denied, without the wait eating the run’s time', async () => {
    refunds = [];
    // The run would time out after 100 ms; the approval wait (300 ms) does not count against it.
    const o = orchestrator(refundRun(), {
      approvalTimeoutMs: 300,
      run: { ...TEST_RUN_CONFIG, timeoutMs: 100 },
    });
    await o.submit(testMessage('1'));
    await o.idle();
    expect(refunds).toEqual([]);
    expect(decided().map((e) => e.outcome)).toEqual(['timeout']);
    expect(JSON.parse(answer() ?? '')).toEqual({
      error: 'nobody approved this call in time; it was not run',
    });
    expect(eventsOfType(t.renderer.allEvents(), 'done')[0]?.ending).toEqual({ kind: 'completed' });
  });

  it('ends the wait as cancelled when the user stops the run', async () => {
    const o = orchestrator(refundRun());
    await o.submit(testMessage('1'));
    await waitForPrompt();
    await o.cancel(TEST_KEY);
    await o.idle();
    expect(decided().map((e) => e.outcome)).toEqual(['cancelled']);
  });

  it('keeps a pending approval across a restart: the same approval, decided after the restart', async () => {
    refunds = [];
    const first = orchestrator(refundRun());
    await first.submit(testMessage('1', 'refund order 7', { userId: 'alice' }));
    await waitForPrompt();
    await first.stop(0);
    expect(decided()).toEqual([]);
    expect(await t.store.approvals.get(APPROVAL_ID)).toMatchObject({ requesterId: 'alice', tool: 'refund' });
    expect(await t.store.runs.get(TEST_KEY)).toMatchObject({ runId: 'run_1' });

    // The run is still waiting for its outputs at the service; the resumed run reaches the same call.
    const second = orchestrator(refundRun({ resumeOnly: true }));
    expect(await second.resumeUnfinished()).toBe(1);
    await waitForPrompt(2);
    const [before, after] = requested();
    expect(after).toEqual(before);
    expect(await second.decide(APPROVAL_ID, { userId: 'alice', isApprover: false, approve: true })).toBe(
      'accepted',
    );
    await second.idle();
    expect(refunds).toEqual([7]);
    expect(answer()).toBe('{"refunded":7}');
    expect(await t.store.runs.get(TEST_KEY)).toBeUndefined();
  });

  it('honours a decision recorded before a crash, without asking again', async () => {
    refunds = [];
    const first = orchestrator(refundRun());
    await first.submit(testMessage('1', 'refund order 7', { userId: 'alice' }));
    await waitForPrompt();
    await first.stop(0);
    // Recorded, but the process went down before the call ran.
    await t.store.approvals.decide(APPROVAL_ID, { outcome: 'approved', by: 'alice', at: Date.now() });

    const second = orchestrator(refundRun({ resumeOnly: true }));
    await second.resumeUnfinished();
    await second.idle();
    expect(refunds).toEqual([7]);
    expect(decided().map((e) => [e.outcome, e.by])).toEqual([['approved', 'alice']]);
  });

  it('answers the model service’s MCP approval requests with the decisions', async () => {
    let answers: unknown;
    const backend = new ScriptedBackend(async function* (io) {
      yield { type: 'run.created', checkpoint: { runId: 'resp_1' } };
      yield {
        type: 'approval.required',
        requests: [
          { id: 'mcpr_1', serverLabel: 'docs', name: 'search', arguments: '{"q":"x"}' },
          { id: 'mcpr_2', serverLabel: 'docs', name: 'delete', arguments: '{}' },
        ],
      };
      answers = io.approvals;
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const o = orchestrator(backend);
    await o.submit(testMessage('1', 'search the docs', { userId: 'alice' }));
    await waitForPrompt(2);
    expect(requested().map((e) => [e.tool, e.server])).toEqual([
      ['search', 'docs'],
      ['delete', 'docs'],
    ]);
    const [search, remove] = requested();
    await o.decide(search?.approvalId ?? '', { userId: 'alice', isApprover: false, approve: true });
    await o.decide(remove?.approvalId ?? '', { userId: 'alice', isApprover: false, approve: false });
    await o.idle();
    expect(answers).toEqual([
      { requestId: 'mcpr_1', approve: true },
      { requestId: 'mcpr_2', approve: false },
    ]);
  });
});

describe('a decision made on another instance', () => {
  it('is taken at once when its signal arrives while the waiting call reads the store', async () => {
    const approvals = new Approvals(t.store.approvals, {
      timeoutMs: 60_000,
      now: Date.now,
      logger: silentLogger(),
      // Only the signal can end this wait within the test's time.
      pollMs: 600_000,
    });
    // The waiting call's first read of the store is answered after the decision was recorded elsewhere.
    const get = t.store.approvals.get.bind(t.store.approvals);
    let reads = 0;
    let readTaken!: () => void;
    const firstRead = new Promise<void>((resolve) => {
      readTaken = resolve;
    });
    let finishRead!: () => void;
    const readDone = new Promise<void>((resolve) => {
      finishRead = resolve;
    });
    t.store.approvals.get = async (id) => {
      const record = await get(id);
      reads += 1;
      if (reads === 1) {
        readTaken();
        await readDone;
      }
      return record;
    };
    const emitted: string[] = [];
    const waiting = approvals.wait(
      { key: TEST_KEY, callId: 'call_1', tool: 'refund', arguments: '{}', requesterId: 'alice' },
      (event) => emitted.push(event.type),
      new AbortController().signal,
    );
    await firstRead;
    const id = approvalIdOf(TEST_KEY, 'call_1');
    expect(await t.store.approvals.decide(id, { outcome: 'approved', by: 'alice', at: Date.now() })).toBe(
      true,
    );
    approvals.wakeUp(id);
    finishRead();
    expect(await waiting).toMatchObject({ outcome: 'approved', by: 'alice' });
    expect(emitted).toEqual(['approval.requested', 'approval.decided']);
  });
});
