import type { RecordedRequest, SentRecord } from '../../../src/model-server/http/recorder.js';
import type { OpenAISpec } from './spec.js';

/** The outcome of checking recorded traffic against the spec. */
export interface ConformanceReport {
  /** How many payloads were validated (so a test can tell "all good" from "nothing checked"). */
  checked: number;
  /** One line per problem: what was sent or received, the schema, and ajv's complaint. */
  violations: string[];
}

/** The schema of a stream event's `data`, by event name, for errors that say what is wrong. */
function eventDataSchema(event: string): string | undefined {
  if (event === 'thread.created') return 'ThreadObject';
  if (event === 'thread.run.step.delta') return 'RunStepDeltaObject';
  if (event.startsWith('thread.run.step.')) return 'RunStepObject';
  if (event.startsWith('thread.run.')) return 'RunObject';
  if (event === 'thread.message.delta') return 'MessageDeltaObject';
  if (event.startsWith('thread.message.')) return 'MessageObject';
  if (event === 'error') return 'Error';
  return undefined;
}

const MAX_ERRORS = 5;

function summarise(errors: readonly string[]): string {
  const shown = errors.slice(0, MAX_ERRORS).join('; ');
  return errors.length > MAX_ERRORS ? `${shown}; ...${errors.length - MAX_ERRORS} more` : shown;
}

/**
 * A oneOf of 40 event shapes fails with hundreds of errors; validating `data` against the schema its
 * event name implies says what is actually wrong.
 */
function explain(spec: OpenAISpec, record: SentRecord, errors: readonly string[]): string {
  if (record.schema === 'AssistantStreamEvent') {
    const { event, data } = record.payload as { event: string; data: unknown };
    const schema = eventDataSchema(event);
    const precise = schema ? spec.validate(schema, data) : [];
    if (schema && precise.length > 0) return `data vs ${schema}: ${summarise(precise)}`;
  }
  return summarise(errors);
}

function describeSent(record: SentRecord): string {
  if (record.kind === 'event') {
    // Assistants events are recorded as `{ event, data }`, Responses events are `{ type, ... }`.
    const { event, type } = record.payload as { event?: unknown; type?: unknown };
    return `event ${String(event ?? type)} (request #${record.request})`;
  }
  return `HTTP ${record.status} body (request #${record.request})`;
}

/**
 * A Responses stream event against the member of `ResponseStreamEvent` its `type` names: stricter
 * than the union (an `anyOf`), and its errors say what is wrong.
 */
function validateResponseEvent(spec: OpenAISpec, payload: unknown): string[] {
  const type = (payload as { type?: unknown } | null)?.type;
  const member = typeof type === 'string' ? spec.responseEventSchema(type) : undefined;
  if (!member) return [`/type ${JSON.stringify(type)} is not an event type of ResponseStreamEvent`];
  return spec.validate(member, payload).map((e) => `${member}: ${e}`);
}

/**
 * Each Responses stream numbers its events 0, 1, 2... without gaps; a resumed stream goes on right
 * after the client's `starting_after`. The `error` event of a broken stream is not one of the
 * response's events: it repeats the number of the last event the client got (so a client resuming
 * from the last number it saw loses nothing). The `error` event of a failing response (say, out of
 * credit) is one of its events and takes the next number.
 */
function checkSequences(traffic: {
  requests: readonly RecordedRequest[];
  sent: readonly SentRecord[];
}): string[] {
  const byRequest = new Map<number, { type: unknown; n: unknown }[]>();
  for (const record of traffic.sent) {
    if (record.schema !== 'ResponseStreamEvent') continue;
    const { type, sequence_number: n } = record.payload as { type?: unknown; sequence_number?: unknown };
    byRequest.set(record.request, [...(byRequest.get(record.request) ?? []), { type, n }]);
  }
  const problems: string[] = [];
  for (const [request, events] of byRequest) {
    const after = traffic.requests.find((r) => r.index === request)?.query.starting_after;
    const first = typeof after === 'string' ? Number(after) + 1 : 0;
    let next = first;
    const ok = events.every(({ type, n }) => {
      if (type === 'error' && n === next - 1) return true;
      return n === next++;
    });
    if (!ok) {
      const numbers = events.map((e) => String(e.n)).join(',');
      problems.push(
        `stream of request #${request}: sequence numbers ${numbers} do not count up from ${first}`,
      );
    }
  }
  return problems;
}

/**
 * Validates everything the fake sent against the schema it claims (`sent[].schema`) and every request
 * accepted request body against its operation's request schema, so neither side drifts from the spec.
 */
export function checkConformance(
  spec: OpenAISpec,
  traffic: { requests: readonly RecordedRequest[]; sent: readonly SentRecord[] },
): ConformanceReport {
  const violations: string[] = [];
  let checked = 0;
  for (const record of traffic.sent) {
    if (record.schema === undefined) continue;
    checked++;
    const errors =
      record.schema === 'ResponseStreamEvent'
        ? validateResponseEvent(spec, record.payload)
        : spec.validate(record.schema, record.payload);
    if (errors.length > 0) {
      violations.push(`sent ${describeSent(record)} vs ${record.schema}: ${explain(spec, record, errors)}`);
    }
  }
  const answered = new Map<number, number>();
  for (const record of traffic.sent)
    if (!answered.has(record.request)) answered.set(record.request, record.status);
  for (const request of traffic.requests) {
    // A request the fake refused may be wrong on purpose (error tests); accepted ones must be right.
    const status = answered.get(request.index);
    if (request.requestSchema === undefined || status === undefined || status >= 400) continue;
    const body = request.multipart
      ? Object.fromEntries(
          Object.entries(request.multipart).map(([k, v]) => [k, typeof v === 'string' ? v : '<binary>']),
        )
      : request.json;
    if (body === undefined) continue;
    checked++;
    const errors = spec.validate(request.requestSchema, body);
    if (errors.length > 0) {
      violations.push(
        `received ${request.method} ${request.path} vs ${request.requestSchema}: ${summarise(errors)}`,
      );
    }
  }
  violations.push(...checkSequences(traffic));
  return { checked, violations };
}
