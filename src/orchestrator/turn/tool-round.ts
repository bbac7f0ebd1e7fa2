import type { ToolOutput } from '../../backends/backend.js';
import type { InboundMessage } from '../../core/messages.js';
import { type ApprovalsRound, runApprovedTool } from '../approvals/approval-round.js';
import type { TurnDeps } from './turn-deps.js';

/**
 * Runs one round of function calls in parallel; every call gets an output, failures included. Calls
 * of tools that need approval run only once a person approved them. `suspended`: shutdown came while
 * a call waited for approval.
 */
export async function runToolRound(
  deps: TurnDeps,
  message: InboundMessage,
  calls: readonly { callId: string; name: string; arguments: string }[],
  round: ApprovalsRound,
): Promise<ToolOutput[] | 'suspended'> {
  const { emit, signal } = round;
  emit({ type: 'status', text: `Calling ${calls.map((c) => c.name).join(', ')}…` });
  const outputs = await Promise.all(
    calls.map(async (call): Promise<ToolOutput | 'suspended'> => {
      if (deps.tools.requiresApproval?.(call.name)) {
        const refused = await runApprovedTool(round, call);
        if (refused !== 'approved') return refused;
      }
      const result = await deps.tools.execute(call, {
        signal,
        key: message.key,
        userId: message.userId,
        timeoutMs: deps.run.toolTimeoutMs,
      });
      emit({
        type: 'tool',
        call: {
          kind: 'function',
          id: call.callId,
          name: call.name,
          arguments: call.arguments,
          result: result.output,
          isError: result.isError,
        },
      });
      return { callId: call.callId, output: result.output };
    }),
  );
  return outputs.some((o) => o === 'suspended') ? 'suspended' : (outputs as ToolOutput[]);
}
