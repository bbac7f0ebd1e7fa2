import { afterEach, describe, expect, it } from 'vitest';
import { USER_MESSAGES } from '../../src/core/errors.js';
import { outOfCredit, serviceError, text } from '../../src/model-server/index.js';
import { Harness, ofType } from '../contract/harness.js';
import { expectNoSpecViolations } from '../fakes/openai/conformance-harness.js';

/**
 * What the model service refuses, said where someone can act on it: the real SDK against the fake,
 * which sends the service's shapes (a Responses `error` event before `response.failed`, an
 * Assistants run failed with `last_error`, 401 for a key it does not know).
 */

let h: Harness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Resumes of a response stream (`GET /responses/{id}?stream=true`) and polls of a response. */
const retrievals = (harness: Harness) => harness.requestsTo('GET', /^\/responses\/[^/]+$/);

describe('responses backend: an error event in the stream', () => {
  it.each([
    ['carries an error object (the SDK throws)', true],
    ['has only the spec’s fields (the SDK hands it over)', false],
  ])('fails at once when the account is out of credit and the event %s', async (_, errorObject) => {
    h = await Harness.start('responses');
    h.fake.setScript(() => [text('partial '), outOfCredit({ errorObject })]);
    const events = await h.ask('hello');

    const response = h.fake.responses()[0];
    const types = h.fake.responseEvents(response?.id ?? '').map((e) => e.type);
    expect(types.slice(-2)).toEqual(['error', 'response.failed']);
    expect(ofType(events, 'error')).toEqual([
      { type: 'error', code: 'model_service_out_of_credit', text: USER_MESSAGES.model_service_out_of_credit },
    ]);
    expect(USER_MESSAGES.model_service_out_of_credit).toMatch(/out of credit/);
    // No resume, no poll loop: at most one look at the response when the SDK cut the stream short.
    expect(retrievals(h).length).toBeLessThanOrEqual(errorObject ? 1 : 0);
    expect(JSON.stringify(events)).not.toMatch(/quota|billing|platform\.openai/);
    expectNoSpecViolations(h.fake);
  });

  it('says a conversation has grown too long, and a refusal, by the event’s code', async () => {
    h = await Harness.start('responses');
    h.fake.setScript(() => [
      serviceError({
        code: 'context_length_exceeded',
        type: 'invalid_request_error',
        message: 'Your input exceeds the context window of this model.',
      }),
    ]);
    const long = await h.ask('one more');
    expect(ofType(long, 'error').map((e) => e.code)).toEqual(['model_service_context_too_long']);
    expect(ofType(long, 'error')[0]?.text).toMatch(/too long.*reset/);

    h.fake.setScript(() => [
      serviceError({ code: 'content_policy_violation', type: 'invalid_request_error', message: 'Flagged.' }),
    ]);
    const refused = await h.ask('something');
    expect(ofType(refused, 'error').map((e) => e.code)).toEqual(['model_service_refused']);
  });

  it('resumes as before when a passing server error interrupts a response that goes on', async () => {
    h = await Harness.start('responses');
    h.fake.setScript(() => [text('all of the answer', { chunkSize: 4 })]);
    h.fake.streamUnavailable = { cutAfterEvents: 5, how: 'error' };
    const events = await h.ask('hello');
    h.fake.streamUnavailable = false;
    expect(ofType(events, 'text.done').map((e) => e.text)).toEqual(['all of the answer']);
    expect(ofType(events, 'error')).toEqual([]);
  });
});

describe.each(['responses', 'assistants'] as const)('%s backend: configuration faults', (backend) => {
  it('tells the user the assistant is misconfigured when the key is refused, and answers once it is accepted', async () => {
    h = await Harness.start(backend);
    h.fake.setScript(() => [text('fine')]);
    h.fake.apiKey = 'sk-the-right-one';
    const refused = await h.ask('hello');
    expect(ofType(refused, 'error')).toEqual([
      { type: 'error', code: 'model_service_misconfigured', text: USER_MESSAGES.model_service_misconfigured },
    ]);
    expect(h.fake.sent.filter((s) => s.status === 401).map((s) => JSON.stringify(s.payload))).toEqual([
      expect.stringContaining('invalid_api_key'),
    ]);
    h.fake.apiKey = undefined;
    expect(ofType(await h.ask('again'), 'text.done').map((e) => e.text)).toEqual(['fine']);
  });

  it('tells the user the assistant is out of credit when the run fails for quota', async () => {
    h = await Harness.start(backend);
    h.fake.setScript(() => [outOfCredit()]);
    const events = await h.ask('hello');
    expect(ofType(events, 'error').map((e) => e.code)).toEqual(['model_service_out_of_credit']);
    expect(ofType(events, 'done')).toEqual([]);
  });

  it('names a model that does not exist as the operator’s fault, without losing the conversation', async () => {
    h = await Harness.start(backend);
    h.fake.setScript(() => [text('first')]);
    await h.ask('hello');
    const thread = (await h.store.threads.get(h.key))?.threadId;
    h.fake.failNext('POST', /\/(runs|responses)$/, 404, {
      error: {
        message: 'The model `o3` does not exist or you do not have access to it.',
        type: 'invalid_request_error',
        param: null,
        code: 'model_not_found',
      },
    });
    const events = await h.ask('again');
    expect(ofType(events, 'error').map((e) => e.code)).toEqual(['model_service_misconfigured']);
    expect((await h.store.threads.get(h.key))?.threadId).toBe(thread);
  });
});
