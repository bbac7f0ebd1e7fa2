import type { McpApprovalAnswer, McpApprovalRequest, ToolOutput } from '../../backends/backend.js';
import type { ConversationKey } from '../../core/conversation.js';
import type { ReplyEvent } from '../../core/reply-events.js';
import type { ApprovalDecision } from '../../store/types.js';
import type { ApprovalCall, ApprovalResult, Approvals } from './approvals.js';

/** What the approval waits of one turn share. */
export interface ApprovalsRound {
  approvals: Approvals;
  key: ConversationKey;
  /** The user the run answers: they may decide. */
  requesterId: string;
  emit: (event: ReplyEvent) => void;
  signal: AbortSignal;
  holdTimer?: () => () => void;
}

/** What the model is told about a function call that was not run. */
const REFUSALS: Record<Exclude<ApprovalDecision['outcome'], 'approved'>, string> = {
  denied: 'the user denied this call; it was not run',
  timeout: 'nobody approved this call in time; it was not run',
  cancelled: 'the run was stopped before this call was approved; it was not run',
};

/** Waits for a decision on one call, with the run's deadline held meanwhile. */
async function decisionOn(
  round: ApprovalsRound,
  call: Omit<ApprovalCall, 'key' | 'requesterId'>,
): Promise<ApprovalResult> {
  const release = round.holdTimer?.();
  try {
    return await round.approvals.wait(
      { ...call, key: round.key, requesterId: round.requesterId },
      round.emit,
      round.signal,
    );
  } finally {
    release?.();
  }
}

/**
 * A function call of a tool marked `require_approval`: `approved` when it may run, else the output
 * that tells the model why it did not (`suspended` on shutdown: the approval stays pending).
 */
export async function runApprovedTool(
  round: ApprovalsRound,
  call: { callId: string; name: string; arguments: string },
): Promise<'approved' | 'suspended' | ToolOutput> {
  const result = await decisionOn(round, { callId: call.callId, tool: call.name, arguments: call.arguments });
  if (result === 'suspended' || result.outcome === 'approved')
    return result === 'suspended' ? result : 'approved';
  return { callId: call.callId, output: JSON.stringify({ error: REFUSALS[result.outcome] }) };
}

/** The decisions on a round of MCP approval requests, asked in parallel; anything but approval is a no. */
export async function approveMcpCalls(
  round: ApprovalsRound,
  requests: readonly McpApprovalRequest[],
): Promise<McpApprovalAnswer[] | 'suspended'> {
  round.emit({ type: 'status', text: `Waiting for approval of ${requests.map((r) => r.name).join(', ')}…` });
  const results = await Promise.all(
    requests.map((request) =>
      decisionOn(round, {
        callId: request.id,
        tool: request.name,
        server: request.serverLabel,
        arguments: request.arguments,
      }),
    ),
  );
  const answers: McpApprovalAnswer[] = [];
  for (const [i, result] of results.entries()) {
    if (result === 'suspended') return 'suspended';
    answers.push({
      requestId: (requests[i] as McpApprovalRequest).id,
      approve: result.outcome === 'approved',
    });
  }
  return answers;
}
