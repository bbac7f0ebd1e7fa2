import type { FileStore } from '../files/file-store.js';
import { badRequest } from '../http/errors.js';
import { nowSeconds } from '../ids.js';
import { pause } from '../pause.js';
import {
  type DeclaredTool,
  estimateTokens,
  type ModelScript,
  playRound,
  type ScriptEnding,
  type ScriptUsage,
  type StreamErrorSpec,
  type SubmittedApproval,
  type SubmittedToolOutput,
} from '../script.js';
import type { ContainerRecord, ContainerStore } from './containers.js';
import { type HostedScope, playImageGeneration, playMcpCall, playWebSearch } from './hosted-player.js';
import {
  flushCitations,
  playCode,
  playFileSearch,
  playFunctionCalls,
  playMcpApprovalRequests,
  playText,
} from './item-player.js';
import { isTerminal, type ResponseRecord, type ResponsesState } from './state.js';
import {
  type EventBody,
  type FunctionCallItem,
  type McpApprovalRequestItem,
  presentResponse,
  type StreamEvent,
  usageOf,
} from './wire.js';

export interface ResponseEngineOptions {
  state: ResponsesState;
  files: FileStore;
  containers: ContainerStore;
  script(): ModelScript;
  baseUrl(): string;
  /** Called on every state change, so tests waiting on state wake up. */
  changed(): void;
}

/** What this request adds to the turn: the round's instructions, tools and the outputs it answers. */
export interface RoundInput {
  instructions: string;
  tools: readonly DeclaredTool[];
  toolOutputs: readonly SubmittedToolOutput[];
  approvals: readonly SubmittedApproval[];
}

const OPEN_ITEM = new Set(['in_progress', 'interpreting', 'searching', 'calling', 'generating']);
/** Items whose status has no `incomplete`: one cut short has failed. */
const FAILS_WHEN_CUT = new Set(['web_search_call', 'image_generation_call']);

/**
 * Plays the model script into responses: one response is one round of the script. Status
 * transitions, numbered events, output items, usage, cancel, and the conversation's lock.
 */
export class ResponseEngine {
  readonly #options: ResponseEngineOptions;

  constructor(options: ResponseEngineOptions) {
    this.#options = options;
  }

  /** Emits `response.created` (a streaming client is subscribed by now) and starts the round. */
  start(record: ResponseRecord, input: RoundInput): void {
    const { response } = record;
    this.#emit(record, { type: 'response.created', response: presentResponse(response, record.include) });
    // A background response waits in the queue first; a foreground one is worked on at once.
    const type = response.background ? 'response.queued' : 'response.in_progress';
    this.#emit(record, { type, response: presentResponse(response, record.include) });
    void this.#execute(record, input);
  }

  /** POST /responses/{id}/cancel: only background responses can be cancelled; twice is harmless. */
  cancel(record: ResponseRecord): void {
    const { response } = record;
    if (!response.background) {
      throw badRequest('Only responses created with background=true can be cancelled.', null);
    }
    if (response.status === 'cancelled') return;
    if (isTerminal(response.status)) {
      throw badRequest(`Cannot cancel a response with status '${response.status}'.`, null);
    }
    this.#stop(record, 'cancelled');
  }

  /** The streaming client of a foreground response left: without background mode, the work stops. */
  disconnected(record: ResponseRecord): void {
    if (!record.response.background) this.#stop(record, 'disconnected');
  }

  /** Its conversation was deleted: the response ends as cancelled (so open streams end). */
  forget(record: ResponseRecord): void {
    this.#stop(record, 'cancelled');
  }

  /** Stops every response without a trace, when the server closes. */
  shutdown(): void {
    for (const record of this.#options.state.responses.values()) this.#stop(record, 'shutdown');
  }

  #stop(record: ResponseRecord, reason: NonNullable<ResponseRecord['stopReason']>): void {
    if (isTerminal(record.response.status) || record.stopReason) return;
    record.stopReason = reason;
    record.abort.abort(new Error(`response ${reason}`));
  }

  #emit(record: ResponseRecord, body: EventBody): void {
    const event = { ...structuredClone(body), sequence_number: record.events.length } as StreamEvent;
    record.events.push(event);
    for (const listener of [...record.listeners]) listener(event);
    this.#options.changed();
  }

  #container(record: ResponseRecord): ContainerRecord {
    const { containers, state } = this.#options;
    const known = record.containerId && containers.get(record.containerId);
    if (known) return known;
    const created = containers.create();
    record.containerId = created.id;
    const conversation = record.conversationId && state.conversations.get(record.conversationId);
    if (conversation) conversation.containerId = created.id;
    return created;
  }

  /** MCP servers the response's conversation has listed the tools of already. */
  #listedServers(record: ResponseRecord): Set<string> {
    const conversation =
      record.conversationId && this.#options.state.conversations.get(record.conversationId);
    const items = conversation ? conversation.items : [];
    return new Set(items.flatMap((item) => (item.type === 'mcp_list_tools' ? [item.server_label] : [])));
  }

  async #execute(record: ResponseRecord, input: RoundInput): Promise<void> {
    const { response } = record;
    const scope: HostedScope = {
      tools: input.tools,
      listedServers: this.#listedServers(record),
      record,
      files: this.#options.files,
      containers: this.#options.containers,
      signal: record.abort.signal,
      container: () => this.#container(record),
      baseUrl: this.#options.baseUrl,
      emit: (body) => this.#emit(record, body),
      generated: new Map(),
      pendingCitations: [],
      searchNames: new Map(),
      outputTokens: 0,
    };
    const { turn } = record;
    let ending: ScriptEnding | undefined;
    let calls: FunctionCallItem[] = [];
    let approvals: McpApprovalRequestItem[] = [];
    let usage: ScriptUsage | undefined;
    try {
      await pause(0, scope.signal);
      if (response.status === 'queued') {
        response.status = 'in_progress';
        this.#emit(record, {
          type: 'response.in_progress',
          response: presentResponse(response, record.include),
        });
      }
      const played = await playRound(this.#options.script(), { ...turn, ...input, round: record.round });
      usage = played.usage;
      for (const [i, step] of played.steps.entries()) {
        if (scope.signal.aborted) throw scope.signal.reason;
        const next = played.steps[i + 1];
        if (step.type === 'text')
          await playText(scope, step, next?.type === 'end' && next.ending.status === 'incomplete');
        else if (step.type === 'code_interpreter') await playCode(scope, step);
        else if (step.type === 'file_search') await playFileSearch(scope, step);
        else if (step.type === 'wait') await pause(step.ms, scope.signal);
        else if (step.type === 'mcp_call') await playMcpCall(scope, step);
        else if (step.type === 'web_search') await playWebSearch(scope, step);
        else if (step.type === 'image_generation') await playImageGeneration(scope, step);
        else if (step.type === 'function_calls') {
          await flushCitations(scope);
          calls = playFunctionCalls(scope, step);
        } else if (step.type === 'mcp_approval_requests') {
          await flushCitations(scope);
          approvals = playMcpApprovalRequests(scope, step);
        } else ending = step.ending;
      }
      await flushCitations(scope);
    } catch (error) {
      if (record.stopReason === 'shutdown') return;
      ending = record.stopReason
        ? { status: 'cancelled' }
        : { status: 'failed', code: 'server_error', message: `fake model script failed: ${String(error)}` };
    }
    const said = [
      input.instructions,
      ...turn.history.map((h) => h.text),
      turn.text,
      ...input.toolOutputs.map((o) => o.output),
    ];
    usage ??= { inputTokens: estimateTokens(said.join('\n')), outputTokens: scope.outputTokens };
    this.#finish(record, ending, calls, approvals, usage);
  }

  /** The terminal transition: open items end incomplete, the conversation gets the output and unlocks. */
  #finish(
    record: ResponseRecord,
    ending: ScriptEnding | undefined,
    calls: FunctionCallItem[],
    approvals: McpApprovalRequestItem[],
    usage: ScriptUsage,
  ): void {
    const { response } = record;
    for (const item of response.output)
      if ('status' in item && OPEN_ITEM.has(item.status))
        item.status = FAILS_WHEN_CUT.has(item.type) ? 'failed' : ('incomplete' as typeof item.status);
    response.usage = usageOf(
      usage.inputTokens,
      usage.outputTokens,
      usage.reasoningTokens,
      usage.cachedTokens,
    );
    if (!ending) {
      response.status = 'completed';
      response.completed_at = nowSeconds();
    } else if (ending.status === 'incomplete') {
      response.status = 'incomplete';
      // The Responses API knows only these two reasons; running out of input is reported as output.
      response.incomplete_details = {
        reason: ending.reason === 'content_filter' ? 'content_filter' : 'max_output_tokens',
      };
    } else if (ending.status === 'failed') {
      if (ending.streamError) this.#emit(record, streamErrorEvent(ending.streamError));
      response.status = 'failed';
      response.error = { code: ending.code, message: ending.message };
    } else if (ending.status === 'expired') {
      // Responses do not expire; a script written for the Assistants API gets the nearest thing.
      response.status = 'failed';
      response.error = { code: 'server_error', message: 'The response expired before it could complete.' };
    } else response.status = 'cancelled';
    record.pendingCalls = response.status === 'completed' ? calls : [];
    record.pendingApprovals = response.status === 'completed' ? approvals : [];
    const conversation =
      record.conversationId && this.#options.state.conversations.get(record.conversationId);
    if (conversation) {
      conversation.items.push(...structuredClone(response.output));
      if (conversation.activeResponseId === response.id) conversation.activeResponseId = undefined;
    }
    // A cancelled response has no event of its own in the stream protocol: its streams just end.
    if (response.status !== 'cancelled') {
      const type = `response.${response.status}` as
        | 'response.completed'
        | 'response.incomplete'
        | 'response.failed';
      this.#emit(record, { type, response: presentResponse(response, record.include) });
    }
    for (const listener of [...record.listeners]) listener(undefined);
    record.listeners.clear();
    record.markFinished();
    this.#options.changed();
  }
}

/**
 * The `error` event a stream sends before its response fails: the spec's fields (`code`, `message`,
 * `param`) and, unless told otherwise, the error as an `error` object too, which the SDK throws.
 */
function streamErrorEvent(spec: StreamErrorSpec): EventBody {
  const error = { type: spec.type, code: spec.code, message: spec.message, param: null };
  return {
    type: 'error',
    code: spec.code,
    message: spec.message,
    param: null,
    ...(spec.errorObject !== false && { error }),
  };
}
