import type { AssistantTool } from 'openai/resources/beta/assistants';
import type { Run, RunSubmitToolOutputsParams } from 'openai/resources/beta/threads/runs/runs';
import type { FileStore } from '../files/file-store.js';
import { badRequest } from '../http/errors.js';
import type { Faults } from '../http/faults.js';
import { paginate } from '../http/paginate.js';
import type { Route, RouteResult } from '../http/router.js';
import type { SseWriter } from '../http/sse.js';
import { newId, nowSeconds } from '../ids.js';
import { declaredTools, messageText, presentStep } from './objects.js';
import { expectType, messageFromRequest, rejectUnknown, requireField } from './request-checks.js';
import type { RunEngine, TurnBase } from './run-engine.js';
import type { AssistantsState, RunListener, RunRecord, ThreadRecord } from './state.js';

const BETA = 'assistants=v2';
const RUN_KEYS = [
  'assistant_id',
  'model',
  'reasoning_effort',
  'instructions',
  'additional_instructions',
  'additional_messages',
  'tools',
  'metadata',
  'temperature',
  'top_p',
  'stream',
  'max_prompt_tokens',
  'max_completion_tokens',
  'truncation_strategy',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
] as const;

/** After these events a stream is over: the run ended or waits for tool outputs. */
const STREAM_ENDS = new Set([
  'thread.run.requires_action',
  'thread.run.completed',
  'thread.run.incomplete',
  'thread.run.failed',
  'thread.run.cancelled',
  'thread.run.expired',
]);

export interface RunRouteDeps {
  state: AssistantsState;
  files: FileStore;
  faults: Faults;
  engine: RunEngine;
  pollAfterMs(): number;
  requiresActionExpiryMs(): number;
}

const includeOf = (query: Readonly<Record<string, string | string[]>>): string[] =>
  [query.include ?? []].flat();

/** Forwards a run's events to an SSE response until the stream is over or the client leaves. */
function streamTo(record: RunRecord, writer: SseWriter): void {
  const listener: RunListener = (event) => {
    writer.send(event.event, event.data);
    if (STREAM_ENDS.has(event.event)) {
      record.listeners.delete(listener);
      writer.done();
    }
  };
  record.listeners.add(listener);
  // A client that goes away does not stop the run: it goes on, and can be polled.
  writer.onClose(() => record.listeners.delete(listener));
}

function rejectStreamingIfUnavailable(faults: Faults): void {
  if (faults.stream === 'reject') {
    throw badRequest(
      "Unsupported value: 'stream' does not support true with this model. Only the default (false) value is supported.",
      'stream',
      'unsupported_value',
    );
  }
}

/** The messages this run answers (not yet answered by an earlier run) and what came before them. */
function takeTurn(thread: ThreadRecord, files: FileStore, run: Run): { turn: TurnBase; ids: string[] } {
  const mine = thread.messages.filter((m) => m.role === 'user' && !thread.answered.has(m.id));
  const ids = mine.map((m) => m.id);
  for (const id of ids) thread.answered.add(id);
  const userMessages = mine.map(messageText);
  const turn: TurnBase = {
    userMessages,
    text: userMessages.join('\n'),
    files: mine.flatMap((m) =>
      (m.attachments ?? []).map((a) => ({
        fileId: a.file_id ?? '',
        name: files.get(a.file_id ?? '')?.object.filename ?? '',
        tools: (a.tools ?? []).map((t) => t.type),
      })),
    ),
    instructions: run.instructions,
    tools: declaredTools(run.tools),
    history: thread.messages
      .filter((m) => !ids.includes(m.id))
      .map((m) => ({ role: m.role, text: messageText(m) })),
  };
  return { turn, ids };
}

/** Runs and run steps: create (streamed or not), retrieve, list, cancel, submit_tool_outputs. */
export function runRoutes(deps: RunRouteDeps): Route[] {
  const { state, files, faults, engine } = deps;
  const pollHeaders = () => ({ 'openai-poll-after-ms': String(deps.pollAfterMs()) });
  const runReply = (record: RunRecord): RouteResult => ({
    kind: 'json',
    schema: 'RunObject',
    body: structuredClone(record.run),
    headers: pollHeaders(),
  });

  return [
    {
      method: 'POST',
      path: '/threads/{thread_id}/runs',
      operation: 'createRun',
      requestSchema: 'CreateRunRequest',
      beta: BETA,
      handle: ({ params, json, query }) => {
        const thread = state.thread(params.thread_id ?? '');
        rejectUnknown(json, RUN_KEYS);
        const assistantId = requireField(json, 'assistant_id');
        expectType(assistantId, 'string', 'assistant_id');
        const assistant = state.assistant(assistantId as string);
        const active = state.activeRun(thread.thread.id);
        if (active)
          throw badRequest(`Thread ${thread.thread.id} already has an active run ${active.run.id}.`);
        const stream = json.stream === true;
        if (stream) rejectStreamingIfUnavailable(faults);
        if (json.additional_messages !== undefined && json.additional_messages !== null) {
          expectType(json.additional_messages, 'array', 'additional_messages');
          const added = (json.additional_messages as unknown[]).map((raw, i) => {
            expectType(raw, 'object', `additional_messages[${i}]`);
            return messageFromRequest(
              raw as Record<string, unknown>,
              thread.thread.id,
              files,
              `additional_messages[${i}].`,
            );
          });
          thread.messages.push(...added);
        }
        const created = nowSeconds();
        const extra =
          typeof json.additional_instructions === 'string' ? `\n${json.additional_instructions}` : '';
        const run: Run = {
          id: newId('run'),
          object: 'thread.run',
          created_at: created,
          thread_id: thread.thread.id,
          assistant_id: assistant.id,
          status: 'queued',
          required_action: null,
          last_error: null,
          expires_at: created + Math.ceil(deps.requiresActionExpiryMs() / 1000),
          started_at: null,
          cancelled_at: null,
          failed_at: null,
          completed_at: null,
          incomplete_details: null,
          model: (json.model as string | undefined) ?? assistant.model,
          instructions: `${(json.instructions as string | undefined) ?? assistant.instructions ?? ''}${extra}`,
          tools: (json.tools as AssistantTool[] | undefined) ?? assistant.tools,
          metadata: (json.metadata as Run['metadata'] | undefined) ?? {},
          usage: null,
          temperature: (json.temperature as number | undefined) ?? assistant.temperature ?? 1,
          top_p: (json.top_p as number | undefined) ?? assistant.top_p ?? 1,
          max_prompt_tokens: (json.max_prompt_tokens as number | undefined) ?? null,
          max_completion_tokens: (json.max_completion_tokens as number | undefined) ?? null,
          truncation_strategy: (json.truncation_strategy as Run['truncation_strategy'] | undefined) ?? {
            type: 'auto',
            last_messages: null,
          },
          tool_choice: (json.tool_choice as Run['tool_choice'] | undefined) ?? 'auto',
          parallel_tool_calls: (json.parallel_tool_calls as boolean | undefined) ?? true,
          response_format: (json.response_format as Run['response_format'] | undefined) ?? 'auto',
        };
        const { turn, ids } = takeTurn(thread, files, run);
        const record: RunRecord = {
          run,
          steps: [],
          events: [],
          listeners: new Set(),
          abort: new AbortController(),
          include: includeOf(query),
          turnMessageIds: ids,
        };
        thread.runs.push(record);
        state.runs.set(run.id, record);
        if (!stream) {
          engine.start(record, thread, turn);
          return runReply(record);
        }
        return {
          kind: 'sse',
          headers: pollHeaders(),
          start: (writer) => {
            streamTo(record, writer);
            engine.start(record, thread, turn);
          },
        };
      },
    },
    {
      method: 'GET',
      path: '/threads/{thread_id}/runs',
      operation: 'listRuns',
      beta: BETA,
      handle: ({ params, query }) => {
        const runs = state.thread(params.thread_id ?? '').runs.map((r) => r.run);
        return {
          kind: 'json',
          schema: 'ListRunsResponse',
          body: paginate(structuredClone(runs), query),
          headers: pollHeaders(),
        };
      },
    },
    {
      method: 'GET',
      path: '/threads/{thread_id}/runs/{run_id}',
      operation: 'getRun',
      beta: BETA,
      handle: ({ params }) => runReply(state.run(params.thread_id ?? '', params.run_id ?? '')),
    },
    {
      method: 'POST',
      path: '/threads/{thread_id}/runs/{run_id}/cancel',
      operation: 'cancelRun',
      beta: BETA,
      handle: ({ params }) => {
        const record = state.run(params.thread_id ?? '', params.run_id ?? '');
        engine.cancel(record);
        return runReply(record);
      },
    },
    {
      method: 'POST',
      path: '/threads/{thread_id}/runs/{run_id}/submit_tool_outputs',
      operation: 'submitToolOuputsToRun',
      requestSchema: 'SubmitToolOutputsRunRequest',
      beta: BETA,
      handle: ({ params, json }) => {
        const record = state.run(params.thread_id ?? '', params.run_id ?? '');
        rejectUnknown(json, ['tool_outputs', 'stream']);
        const outputs = requireField(json, 'tool_outputs');
        expectType(outputs, 'array', 'tool_outputs');
        (outputs as unknown[]).forEach((raw, i) => {
          expectType(raw, 'object', `tool_outputs[${i}]`);
          const output = (raw as Record<string, unknown>).output;
          if (output !== undefined) expectType(output, 'string', `tool_outputs[${i}].output`);
        });
        const toolOutputs = outputs as RunSubmitToolOutputsParams['tool_outputs'];
        engine.checkSubmission(record, toolOutputs);
        if (json.stream !== true) {
          engine.submit(record, toolOutputs);
          return runReply(record);
        }
        rejectStreamingIfUnavailable(faults);
        return {
          kind: 'sse',
          headers: pollHeaders(),
          start: (writer) => {
            streamTo(record, writer);
            engine.submit(record, toolOutputs);
          },
        };
      },
    },
    {
      method: 'GET',
      path: '/threads/{thread_id}/runs/{run_id}/steps',
      operation: 'listRunSteps',
      beta: BETA,
      handle: ({ params, query }) => {
        const record = state.run(params.thread_id ?? '', params.run_id ?? '');
        const steps = record.steps.map((s) => presentStep(s, includeOf(query)));
        return { kind: 'json', schema: 'ListRunStepsResponse', body: paginate(steps, query) };
      },
    },
    {
      method: 'GET',
      path: '/threads/{thread_id}/runs/{run_id}/steps/{step_id}',
      operation: 'getRunStep',
      beta: BETA,
      handle: ({ params, query }) => {
        const step = state.step(params.thread_id ?? '', params.run_id ?? '', params.step_id ?? '');
        return { kind: 'json', schema: 'RunStepObject', body: presentStep(step, includeOf(query)) };
      },
    },
  ];
}
