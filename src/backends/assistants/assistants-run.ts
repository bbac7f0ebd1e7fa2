import { setTimeout as sleep } from 'node:timers/promises';
import type OpenAI from 'openai';
import { APIError } from 'openai';
import type { AssistantStreamEvent } from 'openai/resources/beta/assistants';
import type { Run } from 'openai/resources/beta/threads/runs/runs';
import type { Logger } from '../../core/logger.js';
import type { BackendEvent, BackendRun, FunctionCall, RunRequest, ToolOutput } from '../backend.js';
import { callApi, endingFault, toModelServiceError } from '../shared/openai-client.js';
import { withRequestSignal } from '../shared/request-signal.js';
import { type AbortableStream, watchForStalls } from '../shared/stall-watchdog.js';
import {
  type FileNamer,
  messageEvents,
  partId,
  requiredCalls,
  runEnding,
  runUsage,
  stepEvents,
  streamingUnavailable,
} from './map-events.js';
import type { PollingOptions } from './polling.js';
import type { RunOverrides } from './run-overrides.js';
import { additionalMessages, startClearingLeftover } from './thread-messages.js';

export { DEFAULT_CANCEL_GRACE_MS, DEFAULT_POLLING, type PollingOptions } from './polling.js';

export interface AssistantsRunDeps {
  client: OpenAI;
  assistantId: string;
  /** What the run's profile sets over the assistant (nothing for the default profile). */
  overrides?: RunOverrides;
  nameOf: FileNamer;
  logger: Logger;
  polling: PollingOptions;
  cancelGraceMs: number;
  /** A stream silent for this long is given up and the run polled. */
  stallMs: number;
}

type Outcome = { kind: 'ended' } | { kind: 'broken' } | { kind: 'requires_action'; calls: FunctionCall[] };
type Source = { kind: 'stream'; stream: AbortableStream<AssistantStreamEvent> } | { kind: 'poll' };

/**
 * One Assistants API run: streamed, with polling as the fallback when streaming is unavailable or
 * the stream breaks. Steps and messages already reported are remembered, so a switch from stream to
 * polling never repeats anything.
 */
export class AssistantsRun implements BackendRun {
  private runId: string | undefined;
  /** The run's logger: every line names the conversation, and the run once it is known. */
  private log: Logger;
  private outputs: readonly ToolOutput[] | undefined;
  private readonly reportedSteps = new Set<string>();
  private readonly reportedMessages = new Set<string>();
  /** Polling: every step up to and including this one has been reported. */
  private stepCursor: string | undefined;

  constructor(
    private readonly deps: AssistantsRunDeps,
    private readonly request: RunRequest,
  ) {
    this.log = deps.logger;
  }

  submitToolOutputs(outputs: readonly ToolOutput[]): void {
    this.outputs = outputs;
  }

  submitApprovals(): void {
    // The Assistants API has no MCP tools: it never asks for approvals.
  }

  async cancel(): Promise<void> {
    const runId = this.runId;
    if (!runId) return;
    await this.deps.client.beta.threads.runs
      .cancel(runId, { thread_id: this.request.threadId })
      .catch((error) => {
        // 400: the run already ended, which is what we wanted.
        if (!(error instanceof APIError && error.status === 400)) throw error;
      });
  }

  [Symbol.asyncIterator](): AsyncIterator<BackendEvent> {
    return this.events();
  }

  private get signal(): AbortSignal {
    return this.request.signal;
  }

  private async *events(): AsyncGenerator<BackendEvent> {
    try {
      let source: Source;
      const resume = this.request.resume;
      if (resume) {
        // Re-attached after a restart: the run's steps are polled from its first one, so every
        // message it wrote is reported whole (the renderer edits what was already posted).
        this.runId = resume.runId;
        this.log = this.deps.logger.child({ runId: this.runId });
        source = { kind: 'poll' };
      } else {
        source = yield* this.start();
      }
      for (;;) {
        const outcome = source.kind === 'stream' ? yield* this.consume(source.stream) : yield* this.poll();
        if (outcome.kind === 'ended') return;
        if (outcome.kind === 'broken') {
          source = { kind: 'poll' };
          continue;
        }
        this.outputs = undefined;
        yield { type: 'action.required', calls: outcome.calls };
        const outputs = this.outputs;
        if (!outputs) throw new Error('the run required action but no tool outputs were submitted');
        source = await this.submit(outputs, source.kind === 'stream');
      }
    } catch (error) {
      // Once our signal is aborted, whatever failed (the SDK's abort error, a cut stream, a sleep)
      // failed because of it: the run is to be cancelled, not reported as broken.
      if (!this.signal.aborted) throw toModelServiceError(error, 'assistant run');
      this.log.debug({ err: error }, 'run aborted');
      yield* this.endAfterAbort();
    }
  }

  /**
   * Creates the run with the turn's messages on it, streamed; a server that cannot stream gets a plain
   * run that is polled.
   */
  private async *start(): AsyncGenerator<BackendEvent, Source> {
    const { client, assistantId } = this.deps;
    const threadId = this.request.threadId;
    const body = {
      assistant_id: assistantId,
      ...this.deps.overrides,
      additional_messages: additionalMessages(this.request),
    };
    try {
      const stream = await startClearingLeftover(client, this.request, this.log, () =>
        client.beta.threads.runs.create(threadId, { ...body, stream: true }, { signal: this.signal }),
      );
      return { kind: 'stream', stream };
    } catch (error) {
      if (!streamingUnavailable(error)) throw error;
      this.log.warn({ status: (error as APIError).status }, 'streaming unavailable; polling the run');
    }
    const run = await callApi('create run', () =>
      withRequestSignal(this.signal, (signal) =>
        startClearingLeftover(client, this.request, this.log, () =>
          client.beta.threads.runs.create(threadId, body, { signal }),
        ),
      ),
    );
    yield this.created(run.id);
    return { kind: 'poll' };
  }

  private created(runId: string): BackendEvent {
    this.runId = runId;
    this.log = this.deps.logger.child({ runId: this.runId });
    return { type: 'run.created', checkpoint: { runId } };
  }

  private async *consume(
    stream: AbortableStream<AssistantStreamEvent>,
  ): AsyncGenerator<BackendEvent, Outcome> {
    const announcedSteps = new Set<string>();
    const stalled = () => this.log.warn({ runId: this.runId }, 'the run stream went silent; polling');
    try {
      for await (const event of watchForStalls(stream, this.deps.stallMs, stalled)) {
        switch (event.event) {
          case 'thread.run.created':
            yield this.created(event.data.id);
            break;
          case 'thread.message.delta':
            for (const part of event.data.delta.content ?? []) {
              if (part.type === 'text' && part.text?.value) {
                yield {
                  type: 'text.delta',
                  itemId: partId(event.data.id, part.index),
                  delta: part.text.value,
                };
              }
            }
            break;
          case 'thread.message.completed':
            yield* this.reportMessage(event.data.id, event.data);
            break;
          case 'thread.run.step.delta': {
            const details = event.data.delta.step_details;
            if (details?.type === 'tool_calls' && !announcedSteps.has(event.data.id)) {
              const kind = details.tool_calls?.[0]?.type;
              if (kind === 'code_interpreter' || kind === 'file_search') {
                announcedSteps.add(event.data.id);
                yield {
                  type: 'status',
                  text: kind === 'code_interpreter' ? 'Running code…' : 'Searching files…',
                };
              }
            }
            break;
          }
          case 'thread.run.step.completed':
            if (!this.reportedSteps.has(event.data.id)) {
              this.reportedSteps.add(event.data.id);
              yield* stepEvents(event.data);
            }
            break;
          case 'thread.run.requires_action':
            return { kind: 'requires_action', calls: requiredCalls(event.data) };
          case 'thread.run.completed':
          case 'thread.run.incomplete':
          case 'thread.run.failed':
          case 'thread.run.cancelled':
          case 'thread.run.expired':
            yield* this.end(event.data);
            return { kind: 'ended' };
          case 'error':
            this.log.warn({ error: event.data }, 'the run stream reported an error; polling');
            return { kind: 'broken' };
          default:
            break;
        }
      }
      this.log.warn({ runId: this.runId }, 'the run stream ended early; polling');
    } catch (error) {
      if (this.signal.aborted) throw error;
      this.log.warn({ err: error, runId: this.runId }, 'the run stream broke; polling');
    }
    return { kind: 'broken' };
  }

  private async *poll(): AsyncGenerator<BackendEvent, Outcome> {
    const { client, polling } = this.deps;
    const threadId = this.request.threadId;
    if (!this.runId) yield* this.findRun();
    const runId = this.runId as string;
    let delay: number = polling.initialMs;
    for (;;) {
      const { data: run, response } = await callApi('retrieve run', () =>
        withRequestSignal(this.signal, (signal) =>
          client.beta.threads.runs.retrieve(runId, { thread_id: threadId }, { signal }).withResponse(),
        ),
      );
      yield* this.newSteps(runId);
      if (run.status === 'requires_action') return { kind: 'requires_action', calls: requiredCalls(run) };
      if (runEnding(run)) {
        yield* this.end(run);
        return { kind: 'ended' };
      }
      const hint = Number(response.headers.get('openai-poll-after-ms'));
      await sleep(hint > 0 ? hint : delay, undefined, { signal: this.signal });
      delay = Math.min(polling.maxMs, delay * 2);
    }
  }

  /** The stream broke before it named the run: the newest run on the thread is ours, or there is none. */
  private async *findRun(): AsyncGenerator<BackendEvent> {
    const { client, assistantId } = this.deps;
    const threadId = this.request.threadId;
    const page = await callApi('list runs', () =>
      withRequestSignal(this.signal, (signal) =>
        client.beta.threads.runs.list(threadId, { limit: 1, order: 'desc' }, { signal }),
      ),
    );
    const newest = page.data[0];
    const run =
      newest && !runEnding(newest)
        ? newest
        : await callApi('create run', () =>
            withRequestSignal(this.signal, (signal) =>
              client.beta.threads.runs.create(
                threadId,
                { assistant_id: assistantId, ...this.deps.overrides },
                { signal },
              ),
            ),
          );
    yield this.created(run.id);
  }

  /** Reports steps finished since the last poll, following pagination from the cursor. */
  private async *newSteps(runId: string): AsyncGenerator<BackendEvent> {
    const { client } = this.deps;
    const query = {
      thread_id: this.request.threadId,
      order: 'asc' as const,
      limit: this.deps.polling.stepPageSize,
      ...(this.stepCursor ? { after: this.stepCursor } : {}),
    };
    const steps = await callApi('list run steps', () =>
      withRequestSignal(this.signal, async (signal) => {
        const all = [];
        for await (const step of client.beta.threads.runs.steps.list(runId, query, { signal }))
          all.push(step);
        return all;
      }),
    );
    let contiguous = true;
    for (const step of steps) {
      const finished = step.status !== 'in_progress';
      contiguous &&= finished;
      if (contiguous) this.stepCursor = step.id;
      if (!finished || this.reportedSteps.has(step.id)) continue;
      this.reportedSteps.add(step.id);
      if (step.step_details.type === 'message_creation') {
        yield* this.reportMessage(step.step_details.message_creation.message_id);
      } else {
        yield* stepEvents(step);
      }
    }
  }

  private async *reportMessage(
    messageId: string,
    message?: Parameters<typeof messageEvents>[0],
  ): AsyncGenerator<BackendEvent> {
    if (this.reportedMessages.has(messageId)) return;
    this.reportedMessages.add(messageId);
    const full =
      message ??
      (await callApi('retrieve message', () =>
        this.deps.client.beta.threads.messages.retrieve(messageId, { thread_id: this.request.threadId }),
      ));
    yield* await messageEvents(full, this.deps.nameOf);
  }

  private async *end(run: Run): AsyncGenerator<BackendEvent> {
    const usage = runUsage(run);
    if (usage) yield { type: 'usage', usage };
    const ending = runEnding(run);
    // An operator's fault (quota comes as `rate_limit_exceeded` saying "quota") is an error, not an ending.
    const fault = ending?.kind === 'failed' && endingFault('assistant run', run.last_error ?? {});
    if (fault) throw fault;
    if (ending) yield { type: 'ended', ending };
  }

  private async submit(outputs: readonly ToolOutput[], streaming: boolean): Promise<Source> {
    const { client } = this.deps;
    const runId = this.runId as string;
    const body = {
      thread_id: this.request.threadId,
      tool_outputs: outputs.map((o) => ({ tool_call_id: o.callId, output: o.output })),
    };
    try {
      if (streaming) {
        const stream = await client.beta.threads.runs.submitToolOutputs(
          runId,
          { ...body, stream: true },
          { signal: this.signal },
        );
        return { kind: 'stream', stream };
      }
      await withRequestSignal(this.signal, (signal) =>
        client.beta.threads.runs.submitToolOutputs(runId, body, { signal }),
      );
    } catch (error) {
      // Refused (e.g. the run expired while the tools ran): polling will show how the run ended.
      if (this.signal.aborted || !(error instanceof APIError && error.status === 400)) throw error;
      this.log.warn({ err: error, runId }, 'tool outputs refused; checking the run');
    }
    return { kind: 'poll' };
  }

  /**
   * Our signal was aborted: cancel at the service, give it a moment to confirm, and end. On shutdown
   * the run is left going, without an ending: the next start resumes it.
   */
  private async *endAfterAbort(): AsyncGenerator<BackendEvent> {
    if (this.signal.reason === 'shutdown' && this.runId) return;
    const runId = this.runId;
    if (runId) {
      const deadline = Date.now() + this.deps.cancelGraceMs;
      try {
        await this.cancel();
        let delay = this.deps.polling.initialMs;
        while (Date.now() < deadline) {
          const run = await this.deps.client.beta.threads.runs.retrieve(runId, {
            thread_id: this.request.threadId,
          });
          if (runEnding(run)) break;
          await sleep(delay);
          delay = Math.min(this.deps.polling.maxMs, delay * 2);
        }
      } catch (error) {
        this.log.warn({ err: error, runId }, 'could not confirm the cancellation');
      }
    }
    yield { type: 'ended', ending: { kind: 'cancelled' } };
  }
}
