import OpenAI from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { functionCall, hang, text, wait } from '../../../src/model-server/index.js';
import { describeSpecs } from '../../support/specs.js';
import { checkConformance } from './conformance.js';
import {
  expectConformingTraffic,
  openResponsesHarness,
  type ResponsesHarness,
} from './conformance-harness.js';

/**
 * Conversations, the one-response-per-conversation rule, background mode (resume after a cut
 * stream, cancel), errors and faults of the fake Responses API, validated against the spec as in
 * responses-conformance.int.test.ts; and proof that the check fails on a violation.
 */

let h: ResponsesHarness;

beforeAll(async () => {
  h = await openResponsesHarness(); // the spec is parsed at its first check, once per process
}, 30_000);

afterAll(async () => {
  await h?.close();
});

beforeEach(() => {
  h.fake.setScript(() => [text('ok')]);
  h.fake.streamUnavailable = false;
});

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
  );

/** The service's own message (the SDK's `message` starts with the status). */
const said = (error: InstanceType<typeof OpenAI.APIError> | undefined): unknown =>
  (error?.error as { message?: unknown } | undefined)?.message;

/** Reads a stream until it ends or breaks; returns what arrived (a cut stream throws, which is fine). */
async function drain(stream: AsyncIterable<ResponseStreamEvent>): Promise<ResponseStreamEvent[]> {
  const events: ResponseStreamEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
  } catch {
    // The connection was cut: what arrived until then is the point.
  }
  return events;
}

describe('spec conformance of the fake Conversations API and background responses', () => {
  afterEach(() => expectConformingTraffic(h));

  it('creates, reads, updates and deletes conversations and their items', async () => {
    const made = await h.client.conversations.create({
      metadata: { key: 'discord:1:2' },
      items: [{ role: 'user', content: 'one' }],
    });
    expect(made).toMatchObject({ object: 'conversation', metadata: { key: 'discord:1:2' } });
    const updated = await h.client.conversations.update(made.id, { metadata: { key: 'slack:T:C:1' } });
    expect((await h.client.conversations.retrieve(made.id)).metadata).toEqual(updated.metadata);
    const added = await h.client.conversations.items.create(made.id, {
      items: ['two', 'three', 'four'].map((content) => ({
        type: 'message' as const,
        role: 'user' as const,
        content,
      })),
    });
    expect(added.data).toHaveLength(3);
    const page = await h.client.conversations.items.list(made.id, { limit: 2, order: 'asc' });
    expect([page.data.length, page.has_more]).toEqual([2, true]);
    const texts: string[] = [];
    for await (const item of h.client.conversations.items.list(made.id, { limit: 2, order: 'asc' })) {
      if (item.type === 'message' && item.content[0]?.type === 'input_text') texts.push(item.content[0].text);
    }
    expect(texts).toEqual(['one', 'two', 'three', 'four']);
    const first = page.data[0]?.id ?? '';
    expect(await h.client.conversations.items.retrieve(first, { conversation_id: made.id })).toMatchObject({
      id: first,
      role: 'user',
    });
    await h.client.conversations.items.delete(first, { conversation_id: made.id });
    expect(h.fake.conversationItems(made.id)).toHaveLength(3);
    h.fake.setScript(({ history }) => [text(`I remember ${history.length} messages.`)]);
    const answer = await h.client.responses.create({ model: 'o3', conversation: made.id, input: 'five' });
    expect(answer.output_text).toBe('I remember 3 messages.');
    expect(await h.client.conversations.delete(made.id)).toEqual({
      id: made.id,
      object: 'conversation.deleted',
      deleted: true,
    });
    expect((await errorOf(h.client.conversations.retrieve(made.id)))?.status).toBe(404);
    const empty = await h.client.conversations.create();
    expect((await h.client.conversations.items.list(empty.id)).data).toEqual([]);
  });

  it('refuses a second response on a busy conversation with conversation_locked', async () => {
    h.fake.setScript(() => [hang()]);
    const conversation = await h.client.conversations.create();
    const first = await h.client.responses.create({
      model: 'o3',
      conversation: conversation.id,
      input: 'take your time',
      background: true,
    });
    expect(first.status).toBe('queued');
    const busy = await errorOf(
      h.client.responses.create({ model: 'o3', conversation: conversation.id, input: 'and?' }),
    );
    expect([busy?.status, busy?.code, said(busy)]).toEqual([
      400,
      'conversation_locked',
      'Another process is currently operating on this conversation. Please try again later.',
    ]);
    const item = await errorOf(
      h.client.conversations.items.create(conversation.id, { items: [{ role: 'user', content: 'x' }] }),
    );
    expect(item?.code).toBe('conversation_locked');
    expect((await h.client.responses.cancel(first.id)).status).toBe('cancelled');
    h.fake.setScript(() => [text('free again')]);
    const next = await h.client.responses.create({
      model: 'o3',
      conversation: conversation.id,
      input: 'now?',
    });
    expect(next.output_text).toBe('free again');
  });

  it('keeps a background response going after its stream is cut, and resumes with starting_after', async () => {
    h.fake.setScript(() => [text('A long answer, streamed slowly.', { chunkSize: 4 })]);
    h.fake.streamUnavailable = { cutAfterEvents: 5, how: 'destroy' };
    const events = await drain(
      await h.client.responses.create({ model: 'o3', input: 'go', stream: true, background: true }),
    );
    h.fake.streamUnavailable = false;
    expect(events.map((e) => e.sequence_number)).toEqual([0, 1, 2, 3, 4]);
    const created = events[0];
    if (created?.type !== 'response.created') throw new Error('no response.created');
    const id = created.response.id;
    expect(created.response).toMatchObject({ status: 'queued', background: true });
    await h.fake.waitFor(() => h.fake.response(id)?.status === 'completed', { what: 'the response to end' });
    const rest = await drain(await h.client.responses.retrieve(id, { stream: true, starting_after: 4 }));
    expect(rest[0]?.sequence_number).toBe(5);
    expect(rest.at(-1)?.type).toBe('response.completed');
    const deltas = [...events, ...rest].flatMap((e) =>
      e.type === 'response.output_text.delta' ? [e.delta] : [],
    );
    expect(deltas.join('')).toBe('A long answer, streamed slowly.');
    const helper = await h.client.responses.stream({ response_id: id, starting_after: 4 }).finalResponse();
    expect(helper.output_text).toBe('A long answer, streamed slowly.');
  });

  it('resumes a stream while the response is still running, then follows it live', async () => {
    h.fake.setScript(() => [text('first'), wait(Number.POSITIVE_INFINITY)]);
    const response = await h.client.responses.create({ model: 'o3', input: 'go', background: true });
    await h.fake.waitFor(() =>
      h.fake.responseEvents(response.id).some((e) => e.type === 'response.output_item.done'),
    );
    const resumed = await h.client.responses.retrieve(response.id, { stream: true, starting_after: 2 });
    const reading = drain(resumed);
    await h.fake.waitFor(() =>
      h.fake.sent.some((s) => (s.payload as { type?: string }).type === 'response.output_item.done'),
    );
    await h.client.responses.cancel(response.id);
    const events = await reading;
    expect(events[0]?.sequence_number).toBe(3);
    expect(events.at(-1)?.type).toBe('response.output_item.done'); // a cancelled stream just ends
    expect(h.fake.statusOf(response.id)).toBe('cancelled');
  });

  it('cancels only background responses that are still running', async () => {
    const done = await h.client.responses.create({ model: 'o3', input: 'hi' });
    const foreground = await errorOf(h.client.responses.cancel(done.id));
    expect([foreground?.status, said(foreground)]).toEqual([
      400,
      'Only responses created with background=true can be cancelled.',
    ]);
    const background = await h.client.responses.create({ model: 'o3', input: 'hi', background: true });
    await h.fake.waitFor(() => h.fake.response(background.id)?.status === 'completed');
    expect(said(await errorOf(h.client.responses.cancel(background.id)))).toBe(
      "Cannot cancel a response with status 'completed'.",
    );
  });

  it('answers the rules the client breaks with the real error bodies', async () => {
    h.fake.setScript(() => [functionCall('current_time', {}, 'call_A')]);
    const conversation = await h.client.conversations.create();
    await h.client.responses.create({ model: 'o3', conversation: conversation.id, input: 'time?' });
    const failures = await Promise.all([
      errorOf(h.client.responses.create({ model: 'o3', conversation: conversation.id, input: 'hello?' })),
      errorOf(
        h.client.responses.create({
          model: 'o3',
          conversation: conversation.id,
          input: [{ type: 'function_call_output', call_id: 'call_B', output: 'x' }],
        }),
      ),
      errorOf(
        h.client.responses.create({
          model: 'o3',
          input: 'x',
          conversation: conversation.id,
          previous_response_id: 'resp_1',
        }),
      ),
      errorOf(h.client.responses.create({ model: 'o3', input: 'x', previous_response_id: 'resp_missing' })),
      errorOf(h.client.responses.create({ model: 'o3', input: 'x', background: true, store: false })),
      errorOf(h.client.responses.create({ model: 'o3', input: 'x', temprature: 1 } as never)),
      errorOf(h.client.responses.retrieve('resp_missing')),
      errorOf(h.client.conversations.retrieve('conv_missing')),
      errorOf(h.client.containers.files.list('cntr_missing')),
    ]);
    expect(failures.map((e) => [e?.status, said(e)])).toEqual([
      [400, 'No tool output found for function call call_A.'],
      [400, 'No tool output found for function call call_A.'],
      [
        400,
        "Mutually exclusive parameters: Ensure you are only providing one of: 'previous_response_id' or 'conversation'.",
      ],
      [400, "Previous response with id 'resp_missing' not found."],
      [400, 'Background mode requires `store` to be true.'],
      [400, 'Unrecognized request argument supplied: temprature'],
      [404, "Response with id 'resp_missing' not found."],
      [404, "Conversation with id 'conv_missing' not found."],
      [404, "Container with id 'cntr_missing' not found."],
    ]);
    const unstored = await h.client.responses.create({ model: 'o3', input: 'x', store: false });
    expect((await errorOf(h.client.responses.retrieve(unstored.id)))?.status).toBe(404);
  });

  it('serves the fault hooks: 429 with retry-after, 500, a dropped connection, an error event', async () => {
    h.fake.failNext('POST', '/responses', 429, undefined, { 'retry-after': '1' });
    h.fake.failNext('POST', '/responses', 500);
    h.fake.dropNext('GET', '/responses/{response_id}');
    const limited = await errorOf(h.client.responses.create({ model: 'o3', input: 'x' }));
    expect([limited?.status, limited?.code, limited?.headers?.get('retry-after')]).toEqual([
      429,
      'rate_limit_exceeded',
      '1',
    ]);
    expect((await errorOf(h.client.responses.create({ model: 'o3', input: 'x' })))?.status).toBe(500);
    const dropped = await errorOf(h.client.responses.retrieve('resp_any'));
    expect(dropped).toBeInstanceOf(OpenAI.APIConnectionError);
    h.fake.streamUnavailable = { cutAfterEvents: 2, how: 'error' };
    const events = await drain(await h.client.responses.create({ model: 'o3', input: 'x', stream: true }));
    expect(events.map((e) => e.type)).toEqual(['response.created', 'response.in_progress', 'error']);
    expect(events[2]).toMatchObject({ code: 'server_error', sequence_number: 1 });
  });
});

describeSpecs('the Responses conformance check itself', () => {
  it('reports events and bodies that break the spec', async () => {
    h.fake.clearRecords();
    await drain(await h.client.responses.create({ model: 'o3', input: 'hi', stream: true }));
    expect(checkConformance(h.spec, h.fake).violations).toEqual([]);
    const sent = h.fake.sent.map((s) => structuredClone(s));
    const delta = sent.find((s) => (s.payload as { type: string }).type === 'response.output_text.delta');
    if (!delta) throw new Error('no delta was streamed');
    delete (delta.payload as Record<string, unknown>).logprobs;
    const created = sent[0]?.payload as { response: Record<string, unknown> };
    created.response.status = 'thinking';
    const last = sent.at(-1)?.payload as Record<string, unknown>;
    last.sequence_number = 99;
    sent.push({
      ...structuredClone(delta),
      payload: { type: 'response.output_text.typo', sequence_number: 100 },
    });
    const report = checkConformance(h.spec, { requests: h.fake.requests, sent });
    expect(report.violations).toHaveLength(4);
    expect(report.violations[0]).toMatch(
      /event response\.created .* ResponseCreatedEvent: \/response\/status must be equal/,
    );
    expect(report.violations[1]).toMatch(
      /event response\.output_text\.delta .* ResponseTextDeltaEvent: .*'logprobs'/,
    );
    expect(report.violations[2]).toMatch(/response\.output_text\.typo" is not an event type/);
    expect(report.violations[3]).toMatch(/sequence numbers 0,1,.*,99,100 do not count up from 0/);
  });
});
