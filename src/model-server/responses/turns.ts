import type { FileStore } from '../files/file-store.js';
import { badRequest } from '../http/errors.js';
import type { SubmittedApproval, SubmittedToolOutput } from '../script.js';
import type { ContainerStore } from './containers.js';
import type { ParsedInput, ParsedTools } from './request.js';
import type { ConversationRecord, ResponseRecord, ResponsesState, TurnBase } from './state.js';
import { type FunctionCallItem, itemText, type StoredItem } from './wire.js';

type History = TurnBase['history'];

/** The messages among `items`, as the script's history. */
export function messagesOf(items: readonly StoredItem[]): History {
  return items.flatMap((item) =>
    item.type === 'message' && item.role !== 'system' && item.role !== 'developer'
      ? [
          {
            role: item.role === 'assistant' ? ('assistant' as const) : ('user' as const),
            text: itemText(item),
          },
        ]
      : [],
  );
}

/** Everything said along a `previous_response_id` chain, oldest first. */
export function chainHistory(state: ResponsesState, record: ResponseRecord | undefined): History {
  const chain: ResponseRecord[] = [];
  for (let r = record; r; r = r.previousResponseId ? state.responses.get(r.previousResponseId) : undefined) {
    chain.unshift(r);
  }
  return chain.flatMap((r) => messagesOf([...r.inputItems, ...r.response.output]));
}

/** A function call output as the script reads it (content lists become their text). */
function outputText(output: string | unknown[]): string {
  if (typeof output === 'string') return output;
  return output.map((part) => ((part as { text?: unknown }).text ?? '') as string).join('');
}

export interface PlannedTurn {
  turn: TurnBase;
  round: number;
  toolOutputs: SubmittedToolOutput[];
  approvals: SubmittedApproval[];
}

/**
 * Which round of which turn this request plays. The function calls the previous response ended with
 * must each get an output (the service's 400 names the first that has none), and every output must
 * answer a call; then the turn goes on with round + 1. Otherwise a new turn starts.
 */
export function planTurn(
  previous: ResponseRecord | undefined,
  input: ParsedInput,
  history: () => History,
): PlannedTurn {
  const pending = previous?.pendingCalls ?? [];
  const known: FunctionCallItem[] = [...pending, ...input.calls];
  for (const call of pending) {
    if (!input.outputs.some((o) => o.call_id === call.call_id)) {
      throw badRequest(`No tool output found for function call ${call.call_id}.`, 'input');
    }
  }
  const toolOutputs = input.outputs.map((output) => {
    const call = known.find((c) => c.call_id === output.call_id);
    if (!call) {
      throw badRequest(
        `No tool call found for function call output with call_id ${output.call_id}.`,
        'input',
      );
    }
    return {
      callId: call.call_id,
      name: call.name,
      arguments: call.arguments,
      output: outputText(output.output),
    };
  });
  const held = previous?.pendingApprovals ?? [];
  for (const request of held) {
    if (!input.approvals.some((a) => a.approval_request_id === request.id)) {
      throw badRequest(`No approval response found for MCP approval request ${request.id}.`, 'input');
    }
  }
  const approvals = input.approvals.map((answer) => {
    const request = held.find((r) => r.id === answer.approval_request_id);
    if (!request) {
      throw badRequest(`No MCP approval request found with id ${answer.approval_request_id}.`, 'input');
    }
    return {
      requestId: request.id,
      serverLabel: request.server_label,
      name: request.name,
      arguments: request.arguments,
      approve: answer.approve,
    };
  });
  if (previous && (pending.length > 0 || held.length > 0)) {
    const userMessages = [...previous.turn.userMessages, ...input.userMessages];
    const turn: TurnBase = {
      ...previous.turn,
      userMessages,
      text: userMessages.join('\n'),
      files: [...previous.turn.files, ...input.files],
    };
    return { turn, round: previous.round + 1, toolOutputs, approvals };
  }
  const turn: TurnBase = {
    userMessages: input.userMessages,
    text: input.userMessages.join('\n'),
    files: input.files,
    history: [...history(), ...input.history],
  };
  // A stateless client answering calls it sent back itself is in the round after them.
  return { turn, round: toolOutputs.length > 0 ? 2 : 1, toolOutputs, approvals };
}

/**
 * The code-interpreter container of a response: the one the tool names, or (`auto`) the one its
 * conversation or chain already uses, else a new one; the tool's `file_ids` are uploaded into it.
 */
export function resolveContainer(
  deps: { containers: ContainerStore; files: FileStore },
  tools: ParsedTools,
  inherited: string | undefined,
): string | undefined {
  const { container } = tools;
  if (!container) return inherited;
  if ('id' in container) return deps.containers.require(container.id).id;
  const record = (inherited && deps.containers.get(inherited)) || deps.containers.create();
  for (const fileId of container.fileIds) {
    const file = deps.files.require(fileId);
    const name = file.object.filename.split('/').at(-1) ?? file.object.filename;
    if (!record.files.some((f) => f.object.path === `/mnt/data/${name}` && f.object.source === 'user')) {
      deps.containers.write(record, { name, bytes: file.bytes, mimeType: file.mimeType, source: 'user' });
    }
  }
  return record.id;
}

/** The response a new request continues from: the conversation's last, or the named previous one. */
export function previousOf(
  state: ResponsesState,
  conversation: ConversationRecord | undefined,
  previousId: string | undefined,
): ResponseRecord | undefined {
  if (conversation) {
    return conversation.lastResponseId ? state.responses.get(conversation.lastResponseId) : undefined;
  }
  return previousId === undefined ? undefined : state.previous(previousId);
}
