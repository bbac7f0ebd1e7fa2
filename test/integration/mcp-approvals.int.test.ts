import { afterEach, describe, expect, it } from 'vitest';
import { byRound, mcpApprovalRequest, text } from '../../src/model-server/index.js';
import { Harness } from '../contract/harness.js';
import { expectNoSpecViolations } from '../fakes/openai/conformance-harness.js';
import { eventsOfType } from '../support/orchestrator-fixture.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** The model asks to run the docs server's `search`, then says what it was told. */
const script = byRound(
  [mcpApprovalRequest('docs', 'search', { q: 'refunds' }, 'mcpr_1')],
  ({ approvals }) => [text(`approved: ${approvals?.map((a) => `${a.requestId}=${a.approve}`).join(',')}`)],
);

/** The `mcp_approval_response` items the fake received, in order. */
function approvalResponses(h: Harness): unknown[] {
  return h
    .requestsTo('POST', /^\/responses$/)
    .flatMap((r) => ((r.json as { input?: unknown[] }).input ?? []) as { type?: string }[])
    .filter((item) => item.type === 'mcp_approval_response');
}

async function start(options: { approvalTimeoutMs?: number } = {}): Promise<Harness> {
  const h = await Harness.start('responses', options);
  h.fake.setScript(script);
  harness = h;
  return h;
}

const prompts = (h: Harness) => eventsOfType(h.renderer.allEvents(), 'approval.requested');
const answerOf = (h: Harness) => eventsOfType(h.renderer.allEvents(), 'text.done').at(-1)?.text;

describe('MCP approval requests on the Responses backend', () => {
  it.each([true, false])(
    'sends the decision (approve: %s) back as an mcp_approval_response',
    async (approve) => {
      const h = await start();
      await h.submit('search the docs for refunds');
      await h.renderer.waitFor(() => prompts(h).length > 0);
      expect(prompts(h)[0]).toMatchObject({
        tool: 'search',
        server: 'docs',
        arguments: '{"q":"refunds"}',
        requesterId: 'user-1',
      });
      const approvalId = prompts(h)[0]?.approvalId ?? '';
      expect(await h.orchestrator.decide(approvalId, { userId: 'user-1', isApprover: false, approve })).toBe(
        'accepted',
      );
      await h.orchestrator.idle();
      expect(approvalResponses(h)).toEqual([
        { type: 'mcp_approval_response', approval_request_id: 'mcpr_1', approve },
      ]);
      expect(answerOf(h)).toBe(`approved: mcpr_1=${approve}`);
      expectNoSpecViolations(h.fake);
    },
  );

  it('denies on timeout', async () => {
    const h = await start({ approvalTimeoutMs: 200 });
    await h.submit('search the docs');
    await h.orchestrator.idle();
    expect(eventsOfType(h.renderer.allEvents(), 'approval.decided').map((e) => e.outcome)).toEqual([
      'timeout',
    ]);
    expect(approvalResponses(h)).toEqual([
      { type: 'mcp_approval_response', approval_request_id: 'mcpr_1', approve: false },
    ]);
  });

  it('takes up the same pending approval after a restart: the resumed response replays the request', async () => {
    const h = await start();
    await h.submit('search the docs');
    await h.renderer.waitFor(() => prompts(h).length > 0);
    await h.orchestrator.stop(0);
    expect(approvalResponses(h)).toEqual([]);

    const restarted = await h.restart();
    await h.renderer.waitFor(() => prompts(h).length > 1);
    const [first, again] = prompts(h);
    expect(again?.approvalId).toBe(first?.approvalId);
    expect(
      await restarted.decide(again?.approvalId ?? '', { userId: 'user-1', isApprover: false, approve: true }),
    ).toBe('accepted');
    await restarted.idle();
    expect(approvalResponses(h)).toEqual([
      { type: 'mcp_approval_response', approval_request_id: 'mcpr_1', approve: true },
    ]);
    expect(answerOf(h)).toBe('approved: mcpr_1=true');
  });
});
