import type { AssistantStreamEvent } from 'openai/resources/beta/assistants';
import type { RunSubmitToolOutputsParams } from 'openai/resources/beta/threads/runs/runs';
import type { FileStore } from '../files/file-store.js';
import { badRequest } from '../http/errors.js';
import { newId, nowSeconds } from '../ids.js';
import { pause } from '../pause.js';
import {
  argumentsText,
  estimateTokens,
  type FunctionCallsStep,
  type ModelScript,
  playRound,
  type ScriptContext,
  type ScriptEnding,
  type SubmittedToolOutput,
} from '../script.js';
import { endStep, newStep, presentStep, stepUsage } from './objects.js';
import { type AssistantsState, isActive, type RunRecord, type ThreadRecord } from './state.js';
import { flushImages, playCode, playFileSearch, playText, type RunScope } from './step-player.js';

export interface EngineOptions {
  state: AssistantsState;
  files: FileStore;
  script(): ModelScript;
  requiresActionExpiryMs(): number;
  /** Called on every state change, so tests waiting on state wake up. */
  changed(): void;
}

/** The turn as the script sees it, fixed when the run is created. */
export type TurnBase = Omit<ScriptContext, 'round' | 'toolOutputs'>;

const INCOMPLETE_REASON = {
  max_output_tokens: 'max_completion_tokens',
  max_input_tokens: 'max_prompt_tokens',
  content_filter: undefined,
} as const;

/** Plays the model script into runs: status transitions, steps, messages, events, expiry and cancel. */
export class RunEngine {
  readonly #options: EngineOptions;

  constructor(options: EngineOptions) {
    this.#options = options;
  }

  /** Emits `thread.run.created` and `queued` (a streaming client is subscribed by now) and starts the run. */
  start(record: RunRecord, thread: ThreadRecord, turn: TurnBase): void {
    this.#emit(record, 'thread.run.created', record.run);
    this.#emit(record, 'thread.run.queued', record.run);
    const expiryMs = this.#options.requiresActionExpiryMs();
    record.expiryTimer = setTimeout(() => this.#stop(record, 'expired'), expiryMs);
    record.expiryTimer.unref();
    void this.#execute(record, thread, turn);
  }

  /** Throws the service's 400 unless `outputs` answer exactly the pending calls of a waiting run. */
  checkSubmission(record: RunRecord, outputs: RunSubmitToolOutputsParams['tool_outputs']): void {
    const { run, pending } = record;
    if (run.status !== 'requires_action' || !pending) {
      throw badRequest(`Runs in status "${run.status}" do not accept tool outputs.`);
    }
    const expected = pending.calls.map((c) => c.id);
    const given = outputs.map((o) => o.tool_call_id ?? '');
    const same =
      given.length === expected.length &&
      new Set(given).size === given.length &&
      expected.every((id) => given.includes(id));
    if (!same) {
      const list = (ids: string[]) => `[${ids.map((id) => `'${id}'`).join(', ')}]`;
      throw badRequest(
        `Expected tool outputs for call_ids ${list(expected)}, got ${list(given)}`,
        'tool_outputs',
      );
    }
  }

  /** submit_tool_outputs: the run is `queued` again when this returns, and resumes shortly after. */
  submit(record: RunRecord, outputs: RunSubmitToolOutputsParams['tool_outputs']): void {
    this.checkSubmission(record, outputs);
    const { run, pending } = record;
    if (!pending) return;
    record.pending = undefined;
    run.status = 'queued';
    run.required_action = null;
    this.#emit(record, 'thread.run.queued', run);
    pending.resume(
      pending.calls.map((call) => outputs.find((o) => o.tool_call_id === call.id)?.output ?? ''),
    );
  }

  /** POST .../cancel: the run goes to `cancelling` now and to `cancelled` once the model stops. */
  cancel(record: RunRecord): void {
    const { run } = record;
    if (!isActive(run) || run.status === 'cancelling') {
      throw badRequest(`Cannot cancel run with status '${run.status}'.`);
    }
    run.status = 'cancelling';
    this.#emit(record, 'thread.run.cancelling', run);
    this.#stop(record, 'cancelled');
  }

  /** Stops every run without a trace, when the server closes. */
  shutdown(): void {
    for (const record of this.#options.state.runs.values()) this.#stop(record, 'shutdown');
  }

  /** Its thread was deleted: the run ends as cancelled (so open streams end) and its id is gone. */
  forget(record: RunRecord): void {
    this.#stop(record, 'cancelled');
    this.#options.state.runs.delete(record.run.id);
  }

  #stop(record: RunRecord, reason: NonNullable<RunRecord['stopReason']>): void {
    clearTimeout(record.expiryTimer);
    if (!isActive(record.run) || record.stopReason) return;
    record.stopReason = reason;
    record.abort.abort(new Error(`run ${reason}`));
  }

  #emit(record: RunRecord, event: AssistantStreamEvent['event'], data: unknown): void {
    const isStep = event.startsWith('thread.run.step.') && event !== 'thread.run.step.delta';
    const snapshot = isStep
      ? presentStep(data as RunRecord['steps'][number], record.include)
      : structuredClone(data);
    const streamed = { event, data: snapshot } as AssistantStreamEvent;
    record.events.push(streamed);
    for (const listener of [...record.listeners]) listener(streamed);
    this.#options.changed();
  }

  async #execute(record: RunRecord, thread: ThreadRecord, turn: TurnBase): Promise<void> {
    const { run } = record;
    const scope: RunScope = {
      record,
      thread,
      files: this.#options.files,
      signal: record.abort.signal,
      emit: (event, data) => this.#emit(record, event, data),
      generated: new Map(),
      pendingImages: [],
      outputTokens: 0,
    };
    let inputTokens = 0;
    let usageOverride: { input: number; output: number } | undefined;
    let ending: ScriptEnding | undefined;
    try {
      await pause(0, scope.signal);
      run.status = 'in_progress';
      run.started_at = nowSeconds();
      this.#emit(record, 'thread.run.in_progress', run);
      let toolOutputs: SubmittedToolOutput[] = [];
      for (let round = 1; ; round++) {
        const played = await playRound(this.#options.script(), { ...turn, round, toolOutputs });
        inputTokens += estimateTokens(
          [turn.instructions, ...turn.history.map((h) => h.text), turn.text].join('\n'),
        );
        if (played.usage) {
          usageOverride ??= { input: 0, output: 0 };
          usageOverride.input += played.usage.inputTokens;
          usageOverride.output += played.usage.outputTokens;
        }
        const steps = played.steps;
        let calls: FunctionCallsStep | undefined;
        for (const [i, step] of steps.entries()) {
          if (scope.signal.aborted) throw scope.signal.reason;
          const next = steps[i + 1];
          if (step.type === 'text')
            await playText(scope, step, next?.type === 'end' && next.ending.status === 'incomplete');
          else if (step.type === 'code_interpreter') await playCode(scope, step);
          else if (step.type === 'file_search') await playFileSearch(scope, step);
          else if (step.type === 'wait') await pause(step.ms, scope.signal);
          else if (step.type === 'function_calls') calls = step;
          else if (
            step.type === 'mcp_approval_requests' ||
            step.type === 'mcp_call' ||
            step.type === 'web_search' ||
            step.type === 'image_generation'
          )
            throw new Error(`fake script: '${step.type}' steps exist only in the Responses API`);
          else ending = step.ending;
        }
        flushImages(scope);
        if (!calls) break;
        toolOutputs = await this.#requireAction(record, scope, calls);
      }
    } catch (error) {
      if (record.stopReason === 'shutdown') return;
      if (record.stopReason) ending = { status: record.stopReason };
      else
        ending = {
          status: 'failed',
          code: 'server_error',
          message: `fake model script failed: ${String(error)}`,
        };
    }
    const usage = usageOverride ?? { input: inputTokens, output: scope.outputTokens };
    run.usage = {
      prompt_tokens: usage.input,
      completion_tokens: usage.output,
      total_tokens: usage.input + usage.output,
    };
    this.#finish(record, scope, ending);
  }

  /** Ends the round with requires_action and waits for the outputs (or cancel / expiry). */
  async #requireAction(
    record: RunRecord,
    scope: RunScope,
    step: FunctionCallsStep,
  ): Promise<SubmittedToolOutput[]> {
    const { run } = record;
    const calls = step.calls.map((spec) => ({
      id: spec.callId ?? newId('call'),
      type: 'function' as const,
      function: { name: spec.name, arguments: argumentsText(spec) },
    }));
    const details = {
      type: 'tool_calls' as const,
      tool_calls: calls.map((c) => ({ ...c, function: { ...c.function, output: null as string | null } })),
    };
    const runStep = newStep(run, details);
    record.steps.push(runStep);
    this.#emit(record, 'thread.run.step.created', {
      ...runStep,
      step_details: { type: 'tool_calls', tool_calls: [] },
    });
    this.#emit(record, 'thread.run.step.in_progress', runStep);
    this.#emit(record, 'thread.run.step.delta', {
      id: runStep.id,
      object: 'thread.run.step.delta',
      delta: {
        step_details: {
          type: 'tool_calls',
          tool_calls: details.tool_calls.map((c, index) => ({ index, ...c })),
        },
      },
    });
    const outputs = await new Promise<readonly string[]>((resolve, reject) => {
      const onAbort = () => reject(scope.signal.reason);
      if (scope.signal.aborted) return onAbort();
      scope.signal.addEventListener('abort', onAbort, { once: true });
      record.pending = {
        calls,
        step: runStep,
        resume: (values) => {
          scope.signal.removeEventListener('abort', onAbort);
          resolve(values);
        },
      };
      run.status = 'requires_action';
      run.required_action = { type: 'submit_tool_outputs', submit_tool_outputs: { tool_calls: calls } };
      this.#emit(record, 'thread.run.requires_action', run);
    });
    details.tool_calls.forEach((call, i) => {
      call.function.output = outputs[i] ?? '';
    });
    await pause(0, scope.signal);
    run.status = 'in_progress';
    this.#emit(record, 'thread.run.in_progress', run);
    runStep.status = 'completed';
    runStep.completed_at = nowSeconds();
    runStep.usage = stepUsage(estimateTokens(calls.map((c) => c.function.arguments).join('')));
    this.#emit(record, 'thread.run.step.completed', runStep);
    return calls.map((c, i) => ({
      callId: c.id,
      name: c.function.name,
      arguments: c.function.arguments,
      output: outputs[i] ?? '',
    }));
  }

  /** The terminal transition: open steps and messages end the way the run ended. */
  #finish(record: RunRecord, scope: RunScope, ending: ScriptEnding | undefined): void {
    const { run } = record;
    clearTimeout(record.expiryTimer);
    record.pending = undefined;
    run.required_action = null;
    const now = nowSeconds();
    const status = ending?.status ?? 'completed';
    const stepEnd = status === 'cancelled' || status === 'expired' ? status : 'failed';
    for (const step of record.steps) {
      if (
        step.status === 'in_progress' &&
        endStep(step, stepEnd, ending?.status === 'failed' ? ending.message : '')
      ) {
        this.#emit(record, `thread.run.step.${stepEnd}`, step);
      }
    }
    const message = scope.openMessage;
    if (message && message.status === 'in_progress') {
      message.status = 'incomplete';
      message.incomplete_at = now;
      message.incomplete_details = {
        reason: status === 'expired' ? 'run_expired' : status === 'failed' ? 'run_failed' : 'run_cancelled',
      };
      this.#emit(record, 'thread.message.incomplete', message);
    }
    run.status = status;
    if (status !== 'expired') run.expires_at = null;
    if (status === 'completed') run.completed_at = now;
    if (status === 'cancelled') run.cancelled_at = now;
    if (ending?.status === 'failed') {
      run.failed_at = now;
      run.last_error = { code: ending.code, message: ending.message };
    }
    if (ending?.status === 'incomplete') {
      const reason = INCOMPLETE_REASON[ending.reason];
      run.incomplete_details = reason ? { reason } : {};
    }
    this.#emit(record, `thread.run.${status}`, run);
  }
}
