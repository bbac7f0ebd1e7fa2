import { setTimeout as sleep } from 'node:timers/promises';
import type OpenAI from 'openai';
import { APIError } from 'openai';
import type { Response, ResponseInputItem, ResponseStreamEvent } from 'openai/resources/responses/responses';
import type { AssistantConfig } from '../../config/types.js';
import { ModelServiceError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Usage } from '../../core/reply-events.js';
import type { FunctionDefinition } from '../../core/tool-definition.js';
import type { ThreadRepository } from '../../store/types.js';
import type { BackendEvent, BackendRun, McpApprovalAnswer, RunRequest, ToolOutput } from '../backend.js';
import type { ServiceFailure } from '../shared/classify-failure.js';
import {
  callApi,
  endingFault,
  isStreamedServiceError,
  modelServiceFailure,
  toModelServiceError,
} from '../shared/openai-client.js';
import { withRequestSignal } from '../shared/request-signal.js';
import { type AbortableStream, watchForStalls } from '../shared/stall-watchdog.js';
import { uncitedContainerFiles } from './container-files.js';
import {
  containersOf,
  functionCallsOf,
  itemEvents,
  mcpApprovalRequestsOf,
  responseEnding,
  responseUsage,
} from './map-output.js';
import {
  approvalInput,
  type Continuation,
  containerFileIds,
  responseBody,
  toolOutputInput,
  toolsFor,
  userInput,
} from './request.js';
import { DEFAULT_RESPONSES_RETRY, delayFor, type ResponsesRetryOptions } from './retry.js';
import { type Consumed, settle } from './stream-errors.js';
import { progressOf } from './stream-progress.js';

export { DEFAULT_RESPONSES_RETRY, type ResponsesRetryOptions };

export interface ResponsesRunDeps {
  client: OpenAI;
  assistant: AssistantConfig;
  functions: readonly FunctionDefinition[];
  threads: ThreadRepository;
  logger: Logger;
  retry: ResponsesRetryOptions;
  cancelGraceMs: number;
  /** A stream silent for this long is given up and resumed. */
  stallMs: number;
}

/**
 * One turn on the Responses API: a streamed background response per round of function calls, each
 * answered with `function_call_output` items in the next. A dropped stream is resumed from the last
 * sequence number it delivered; past that, the response is polled. Nothing is reported twice.
 */
export class ResponsesRun implements BackendRun {
  private responseId: string | undefined;
  /** The run's logger: every line names the conversation, and the run once it is known. */
  private log: Logger;
  private lastSequence = -1;
  private outputs: readonly ToolOutput[] | undefined;
  private approvals: readonly McpApprovalAnswer[] | undefined;
  private readonly reportedItems = new Set<string>();
  private readonly startedAt = Math.floor(Date.now() / 1000);

  constructor(
    private readonly deps: ResponsesRunDeps,
    private readonly request: RunRequest,
  ) {
    this.log = deps.logger;
  }

  submitToolOutputs(outputs: readonly ToolOutput[]): void {
    this.outputs = outputs;
  }

  submitApprovals(answers: readonly McpApprovalAnswer[]): void {
    this.approvals = answers;
  }

  async cancel(): Promise<void> {
    const id = this.responseId;
    if (!id) return;
    await this.deps.client.responses.cancel(id).catch((error: unknown) => {
      // 400/404: it already ended (or was never a background response); nothing left to stop.
      if (!(error instanceof APIError && (error.status === 400 || error.status === 404))) throw error;
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<BackendEvent> {
    return this.events();
  }

  private get signal(): AbortSignal {
    return this.request.signal;
  }

  private async *events(): AsyncGenerator<BackendEvent> {
    // The conversation's profile, or (without one) the environment's assistant and tools.
    const { profile } = this.request;
    const assistant = profile ?? this.deps.assistant;
    const functions = profile?.functions ?? this.deps.functions;
    const tools = toolsFor(assistant, functions, containerFileIds(this.request.messages), profile?.mcpTools);
    const usage: Usage = { inputTokens: 0, outputTokens: 0, reasoningTokens: 0 };
    const containers = new Set<string>();
    try {
      let continuation = await this.continuation();
      let input: ResponseInputItem[] = userInput(this.request.messages);
      for (let round = 1; ; round++) {
        const resume = round === 1 ? this.request.resume : undefined;
        const response = resume
          ? yield* this.reattach(resume.runId)
          : yield* this.runResponse(responseBody(assistant, tools, input, continuation), round === 1);
        addUsage(usage, responseUsage(response));
        for (const id of containersOf(response)) containers.add(id);
        if ('previousResponseId' in continuation) {
          continuation = { previousResponseId: response.id };
          await this.rememberResponse(response.id);
        }
        const ending = responseEnding(response) ?? { kind: 'failed', code: 'unknown_status' };
        // A failure an operator has to fix (or that needs a new conversation) is an error, not an ending.
        if (ending.kind === 'failed') {
          const fault = endingFault('response', { code: ending.code, message: ending.message });
          if (fault) throw fault;
        }
        const calls = functionCallsOf(response);
        const requests = mcpApprovalRequestsOf(response);
        if (ending.kind === 'completed' && (calls.length > 0 || requests.length > 0)) {
          input = [];
          if (requests.length > 0) {
            // MCP calls the service holds for approval: the decisions go into the next response.
            this.approvals = undefined;
            yield { type: 'approval.required', requests };
            if (!this.approvals)
              throw new Error('the response asked for approvals but no decisions were submitted');
            input.push(...approvalInput(this.approvals));
          }
          if (calls.length > 0) {
            this.outputs = undefined;
            yield { type: 'action.required', calls };
            if (!this.outputs)
              throw new Error('the response asked for function calls but no outputs were submitted');
            input.push(...toolOutputInput(this.outputs));
          }
          continue;
        }
        yield* uncitedContainerFiles(this.deps.client, containers, this.startedAt);
        yield { type: 'usage', usage };
        yield { type: 'ended', ending };
        return;
      }
    } catch (error) {
      // Once our signal is aborted, whatever failed failed because of it: cancel, do not report.
      if (!this.signal.aborted) throw toModelServiceError(error, 'response');
      this.log.debug({ err: error }, 'response aborted');
      yield* this.endAfterAbort();
    }
  }

  private async continuation(): Promise<Continuation> {
    if (this.deps.assistant.conversationMode === 'conversations')
      return { conversation: this.request.threadId };
    const record = await this.deps.threads.get(this.request.key);
    return {
      previousResponseId: record?.threadId === this.request.threadId ? record.lastResponseId : undefined,
    };
  }

  /** previous_response mode: the next turn chains from this response. */
  private async rememberResponse(responseId: string): Promise<void> {
    const record = await this.deps.threads.get(this.request.key);
    if (record?.threadId === this.request.threadId) {
      await this.deps.threads.set(this.request.key, { ...record, lastResponseId: responseId });
    }
  }

  /** Creates one response and follows it to its end, resuming or polling when the stream drops. */
  private async *runResponse(
    body: ReturnType<typeof responseBody>,
    firstOfTurn: boolean,
  ): AsyncGenerator<BackendEvent, Response> {
    this.responseId = undefined;
    this.log = this.deps.logger;
    this.lastSequence = -1;
    return yield* this.follow(await this.create(body), firstOfTurn);
  }

  /**
   * Picks up a response a crashed or stopped process left: its events are streamed again from just
   * after `response.created` (the stream position a restart can trust: the text shown so far is not
   * in memory any more, so it is rebuilt from the start and the renderer edits it in place).
   */
  private async *reattach(id: string): AsyncGenerator<BackendEvent, Response> {
    this.responseId = id;
    this.log = this.deps.logger.child({ runId: this.responseId });
    this.lastSequence = 0;
    let stream: AbortableStream<ResponseStreamEvent>;
    try {
      stream = await this.deps.client.responses.retrieve(
        id,
        { stream: true, starting_after: this.lastSequence },
        { signal: this.signal },
      );
    } catch (error) {
      if (this.signal.aborted) throw error;
      this.log.warn({ err: error, responseId: id }, 'could not stream the resumed response; polling');
      return yield* this.pollToEnd(id);
    }
    return yield* this.follow(stream, false);
  }

  /** Reads a response's stream to its end, resuming from the last event seen, or polling, when it drops. */
  private async *follow(
    first: AbortableStream<ResponseStreamEvent>,
    firstOfTurn: boolean,
  ): AsyncGenerator<BackendEvent, Response> {
    let stream = first;
    for (let attempt = 0; ; attempt++) {
      const consumed = yield* this.consume(stream, firstOfTurn);
      if (consumed.final) return settle(consumed.final, consumed.streamError);
      if (consumed.streamError) {
        const settled = yield* this.afterStreamError(consumed.streamError);
        if (settled) return settled;
      }
      if (!this.responseId)
        throw new ModelServiceError('the response stream broke before the response was created');
      if (attempt >= this.deps.retry.resumeAttempts) return yield* this.pollToEnd(this.responseId);
      await sleep(delayFor(this.deps.retry, attempt), undefined, { signal: this.signal });
      const id = this.responseId;
      this.log.warn({ responseId: id, after: this.lastSequence }, 'response stream dropped; resuming');
      try {
        stream = await this.deps.client.responses.retrieve(
          id,
          { stream: true, starting_after: this.lastSequence },
          { signal: this.signal },
        );
      } catch (error) {
        if (this.signal.aborted) throw error;
        this.log.warn({ err: error, responseId: id }, 'could not resume the stream; polling');
        return yield* this.pollToEnd(id);
      }
    }
  }

  /** POST /responses; a conversation locked by another process is waited for, with backoff. */
  private async create(body: ReturnType<typeof responseBody>): Promise<AbortableStream<ResponseStreamEvent>> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.deps.client.responses.create(body, { signal: this.signal });
      } catch (error) {
        const locked = error instanceof APIError && error.code === 'conversation_locked';
        if (!locked || attempt + 1 >= this.deps.retry.lockedAttempts) throw error;
        this.log.warn({ attempt }, 'conversation locked by another request; retrying');
        await sleep(delayFor(this.deps.retry, attempt), undefined, { signal: this.signal });
      }
    }
  }

  /**
   * Reads the stream: the final response when it ended, the error the service reported in it (an
   * `error` event, or the SDK's APIError for an event that carries one), or neither when it broke off.
   */
  private async *consume(
    stream: AbortableStream<ResponseStreamEvent>,
    firstOfTurn: boolean,
  ): AsyncGenerator<BackendEvent, Consumed> {
    const stalled = () =>
      this.log.warn({ responseId: this.responseId }, 'the response stream went silent; resuming');
    let streamError: ServiceFailure | undefined;
    try {
      for await (const event of watchForStalls(stream, this.deps.stallMs, stalled)) {
        if (event.sequence_number <= this.lastSequence && event.type !== 'error') continue;
        this.lastSequence = Math.max(this.lastSequence, event.sequence_number);
        switch (event.type) {
          case 'response.created':
            if (this.responseId) break;
            this.responseId = event.response.id;
            this.log = this.deps.logger.child({ runId: this.responseId });
            yield {
              type: firstOfTurn ? 'run.created' : 'checkpoint',
              checkpoint: { runId: event.response.id, position: String(event.sequence_number) },
            };
            break;
          case 'response.output_item.done':
            yield* this.reportItem(event.item);
            // A finished item is a natural point to note how far the stream got, without a store
            // write per text delta.
            if (this.responseId) {
              yield {
                type: 'checkpoint',
                checkpoint: { runId: this.responseId, position: String(event.sequence_number) },
              };
            }
            break;
          case 'response.completed':
          case 'response.incomplete':
          case 'response.failed':
            return { final: event.response, streamError };
          case 'error':
            // The service says what went wrong; `response.failed` follows, so read on to it.
            this.log.warn({ code: event.code }, 'the response stream reported an error');
            streamError = { code: event.code, message: event.message };
            break;
          default: {
            const progress = progressOf(event);
            if (progress) yield progress;
          }
        }
      }
    } catch (error) {
      if (this.signal.aborted) throw error;
      if (isStreamedServiceError(error)) {
        this.log.warn({ code: error.code }, 'the response stream reported an error');
        return { streamError: { code: error.code, type: error.type, message: error.message } };
      }
      this.log.warn({ err: error, responseId: this.responseId }, 'the response stream broke');
    }
    return streamError ? { streamError } : {};
  }

  /**
   * The stream reported an error and ended without the response's end: one look at the response
   * says whether it failed (the error is the reason) or goes on (a passing server error: resume).
   */
  private async *afterStreamError(
    streamError: ServiceFailure,
  ): AsyncGenerator<BackendEvent, Response | undefined> {
    const failure = modelServiceFailure('response stream', streamError);
    const id = this.responseId;
    if (!id) throw failure;
    const now = await callApi('retrieve response', () =>
      withRequestSignal(this.signal, (signal) => this.deps.client.responses.retrieve(id, {}, { signal })),
    );
    if (responseEnding(now)) {
      for (const item of now.output) yield* this.reportItem(item);
      return settle(now, streamError);
    }
    if (failure.code !== 'model_service_error') throw failure;
    return undefined;
  }

  private *reportItem(item: Response['output'][number]): Generator<BackendEvent> {
    const id = 'id' in item && typeof item.id === 'string' ? item.id : undefined;
    if (id !== undefined) {
      if (this.reportedItems.has(id)) return;
      this.reportedItems.add(id);
    }
    yield* itemEvents(item);
  }

  /** Retrieves the response until it ends, then reports whatever output the stream did not. */
  private async *pollToEnd(id: string): AsyncGenerator<BackendEvent, Response> {
    for (let attempt = 0; ; attempt++) {
      const response = await callApi('retrieve response', () =>
        withRequestSignal(this.signal, (signal) => this.deps.client.responses.retrieve(id, {}, { signal })),
      );
      if (responseEnding(response)) {
        for (const item of response.output) yield* this.reportItem(item);
        return response;
      }
      await sleep(delayFor(this.deps.retry, attempt), undefined, { signal: this.signal });
    }
  }

  /**
   * Our signal was aborted: cancel at the service, give it a moment to confirm, and end. On shutdown
   * the run is left going, without an ending: the next start resumes it.
   */
  private async *endAfterAbort(): AsyncGenerator<BackendEvent> {
    if (this.signal.reason === 'shutdown' && this.responseId) return;
    const id = this.responseId;
    if (id) {
      const deadline = Date.now() + this.deps.cancelGraceMs;
      try {
        await this.cancel();
        for (let attempt = 0; Date.now() < deadline; attempt++) {
          if (responseEnding(await this.deps.client.responses.retrieve(id))) break;
          await sleep(delayFor(this.deps.retry, attempt));
        }
      } catch (error) {
        this.log.warn({ err: error, responseId: id }, 'could not confirm the cancellation');
      }
    }
    yield { type: 'ended', ending: { kind: 'cancelled' } };
  }
}

function addUsage(total: Usage, more: Usage): void {
  total.inputTokens += more.inputTokens;
  total.outputTokens += more.outputTokens;
  total.reasoningTokens += more.reasoningTokens;
}
