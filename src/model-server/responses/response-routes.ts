import { expectType, rejectUnknown, requireField } from '../assistants/request-checks.js';
import type { FileStore } from '../files/file-store.js';
import { badRequest } from '../http/errors.js';
import type { Faults } from '../http/faults.js';
import { paginate } from '../http/paginate.js';
import type { Route, RouteResult } from '../http/router.js';
import type { SseWriter } from '../http/sse.js';
import type { ContainerStore } from './containers.js';
import type { ResponseEngine, RoundInput } from './engine.js';
import { conversationIdOf, parseInclude, parseInput, parseTools, RESPONSE_KEYS } from './request.js';
import {
  isTerminal,
  newRecord,
  type ResponseListener,
  type ResponseRecord,
  type ResponsesState,
} from './state.js';
import { chainHistory, messagesOf, planTurn, previousOf, resolveContainer } from './turns.js';
import { newResponse, presentItem, presentResponse, type StreamEvent } from './wire.js';

export interface ResponseRouteDeps {
  state: ResponsesState;
  files: FileStore;
  containers: ContainerStore;
  faults: Faults;
  engine: ResponseEngine;
}

type Query = Readonly<Record<string, string | string[]>>;

const includeOf = (query: Query): string[] => [query.include ?? []].flat();

function rejectStreamingIfUnavailable(faults: Faults): void {
  if (faults.stream === 'reject') {
    throw badRequest(
      "Unsupported value: 'stream' does not support true with this model. Only the default (false) value is supported.",
      'stream',
      'unsupported_value',
    );
  }
}

/**
 * Sends a response's events after sequence number `after` (the stored ones first, then live ones)
 * until it is over; `subscribed` runs once the stream listens (to start a new response). A
 * foreground response stops when its streaming client leaves; a background one goes on and can be
 * resumed with `starting_after`.
 */
function streamResponse(
  record: ResponseRecord,
  engine: ResponseEngine,
  after: number,
  subscribed: () => void = () => {},
): RouteResult {
  let last = after;
  const send = (writer: SseWriter, event: StreamEvent) => {
    if (writer.send(event.type, event)) last = event.sequence_number;
  };
  return {
    kind: 'sse',
    events: 'responses',
    cutError: () => ({
      type: 'error',
      code: 'server_error',
      message: 'The server had an error while processing your request. Sorry about that!',
      param: null,
      // Not one of the response's own events: it repeats the last number the client got, so that a
      // client resuming from the last number it saw misses nothing.
      sequence_number: last,
    }),
    start: (writer) => {
      for (const event of record.events) if (event.sequence_number > after) send(writer, event);
      if (isTerminal(record.response.status)) {
        writer.end();
        return;
      }
      const listener: ResponseListener = (event) => {
        if (event) send(writer, event);
        else writer.end();
      };
      record.listeners.add(listener);
      writer.onClose(() => {
        record.listeners.delete(listener);
        if (!isTerminal(record.response.status)) engine.disconnected(record);
      });
      subscribed();
    },
  };
}

function readStartingAfter(query: Query): number {
  const raw = query.starting_after;
  if (raw === undefined) return -1;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(n)) {
    throw badRequest(
      `Invalid 'starting_after': expected an integer, but got '${String(raw)}' instead.`,
      'starting_after',
      'invalid_type',
    );
  }
  return n;
}

/** The parameters of a CreateResponse that decide how it runs, checked as the service checks them. */
function checkCreate(json: Record<string, unknown>, faults: Faults) {
  rejectUnknown(json, RESPONSE_KEYS);
  const model = requireField(json, 'model');
  expectType(model, 'string', 'model');
  for (const key of ['stream', 'store', 'background'] as const) {
    if (json[key] !== undefined && json[key] !== null) expectType(json[key], 'boolean', key);
  }
  const flags = {
    model: model as string,
    stream: json.stream === true,
    background: json.background === true,
    store: json.store !== false,
    conversationId: conversationIdOf(json.conversation),
    previousId: (json.previous_response_id ?? undefined) as string | undefined,
  };
  if (flags.background && !flags.store) {
    throw badRequest('Background mode requires `store` to be true.', 'background', 'invalid_value');
  }
  if (flags.stream) rejectStreamingIfUnavailable(faults);
  if (flags.previousId !== undefined) expectType(flags.previousId, 'string', 'previous_response_id');
  if (flags.conversationId !== undefined && flags.previousId !== undefined) {
    throw badRequest(
      "Mutually exclusive parameters: Ensure you are only providing one of: 'previous_response_id' or 'conversation'.",
      null,
      'mutually_exclusive_parameters',
    );
  }
  for (const [key, type] of [
    ['instructions', 'string'],
    ['metadata', 'object'],
  ] as const) {
    if (json[key] !== undefined && json[key] !== null) expectType(json[key], type, key);
  }
  return flags;
}

/** POST /responses, GET /responses/{id} (also streamed, resumable), cancel, input_items. */
export function responseRoutes(deps: ResponseRouteDeps): Route[] {
  const { state, files, containers, faults, engine } = deps;

  const create = async (json: Record<string, unknown>): Promise<RouteResult> => {
    const flags = checkCreate(json, faults);
    const include = parseInclude(json.include);
    const tools = parseTools(json.tools, files);
    const input = parseInput(json.input, files);
    const conversation =
      flags.conversationId === undefined ? undefined : state.conversation(flags.conversationId);
    if (conversation) state.checkUnlocked(conversation);
    const previous = previousOf(state, conversation, flags.previousId);
    const planned = planTurn(previous, input, () =>
      conversation ? messagesOf(conversation.items) : chainHistory(state, previous),
    );
    const containerId = resolveContainer(
      { containers, files },
      tools,
      conversation?.containerId ?? previous?.containerId,
    );
    if (tools.container && 'fileIds' in tools.container) {
      const uploaded = tools.container.fileIds.map((fileId) => ({
        fileId,
        name: files.require(fileId).object.filename,
        tools: ['code_interpreter'],
      }));
      planned.turn.files = [...planned.turn.files, ...uploaded];
    }

    const response = newResponse(json, {
      model: flags.model,
      background: flags.background,
      previousResponseId: flags.previousId,
      conversationId: conversation?.conversation.id,
      tools: tools.echo,
    });
    const record = newRecord({
      response,
      store: flags.store,
      include,
      inputItems: input.items,
      ...(conversation && { conversationId: conversation.conversation.id }),
      ...(flags.previousId !== undefined && { previousResponseId: flags.previousId }),
      ...(containerId !== undefined && { containerId }),
      turn: planned.turn,
      round: planned.round,
    });
    state.responses.set(response.id, record);
    if (conversation) {
      conversation.items.push(...structuredClone(input.items));
      conversation.activeResponseId = response.id;
      conversation.lastResponseId = response.id;
      if (containerId !== undefined) conversation.containerId = containerId;
    }
    const round: RoundInput = {
      instructions: response.instructions ?? '',
      tools: tools.declared,
      toolOutputs: planned.toolOutputs,
      approvals: planned.approvals,
    };
    if (flags.stream) return streamResponse(record, engine, -1, () => engine.start(record, round));
    engine.start(record, round);
    // Without background mode the service answers once the response is done.
    if (!flags.background) await record.finished;
    return { kind: 'json', schema: 'Response', body: presentResponse(response, include) };
  };

  return [
    {
      method: 'POST',
      path: '/responses',
      operation: 'createResponse',
      requestSchema: 'CreateResponse',
      handle: ({ json }) => create(json),
    },
    {
      method: 'GET',
      path: '/responses/{response_id}',
      operation: 'getResponse',
      handle: ({ params, query }) => {
        const record = state.response(params.response_id ?? '');
        if (query.stream !== 'true') {
          // `include` is per request: what the creating request asked for is not shown again unasked.
          return {
            kind: 'json',
            schema: 'Response',
            body: presentResponse(record.response, includeOf(query)),
          };
        }
        if (!record.response.background) {
          throw badRequest(
            'This response cannot be streamed because it was not created with background=true.',
            'stream',
          );
        }
        rejectStreamingIfUnavailable(faults);
        return streamResponse(record, engine, readStartingAfter(query));
      },
    },
    {
      method: 'POST',
      path: '/responses/{response_id}/cancel',
      operation: 'cancelResponse',
      handle: async ({ params }) => {
        const record = state.response(params.response_id ?? '');
        engine.cancel(record);
        await record.finished;
        return { kind: 'json', schema: 'Response', body: presentResponse(record.response, record.include) };
      },
    },
    {
      method: 'GET',
      path: '/responses/{response_id}/input_items',
      operation: 'listInputItems',
      handle: ({ params, query }) => {
        const record = state.response(params.response_id ?? '');
        const items = record.inputItems.map((item) => presentItem(item, includeOf(query)));
        return { kind: 'json', schema: 'ResponseItemList', body: paginate(items, query) };
      },
    },
  ];
}
