import OpenAI, { toFile } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { codeInterpreter, hang, text } from '../../../src/model-server/index.js';
import { describeSpecs } from '../../support/specs.js';
import { checkConformance } from './conformance.js';
import {
  type ConformanceHarness,
  expectConformingTraffic,
  openConformanceHarness,
} from './conformance-harness.js';

/**
 * Lists, errors, CRUD and stream errors of the fake, validated against the spec as in
 * spec-conformance.int.test.ts; and proof that the check itself fails on a violation.
 */

let h: ConformanceHarness;

beforeAll(async () => {
  h = await openConformanceHarness(); // the spec is parsed at its first check, once per process
}, 30_000);

afterAll(async () => {
  await h?.close();
});

describe('spec conformance of the rest of the fake Assistants API', () => {
  // Each test's traffic is checked on its own, so a violation names the scenario that caused it.
  afterEach(() => expectConformingTraffic(h));

  it('pages through messages, runs and steps with limit, order and after', async () => {
    const thread = await h.client.beta.threads.create({
      messages: ['one', 'two', 'three', 'four', 'five'].map((content) => ({
        role: 'user' as const,
        content,
      })),
    });
    const first = await h.client.beta.threads.messages.list(thread.id, { limit: 2, order: 'asc' });
    expect(first.data.map((m) => (m.content[0]?.type === 'text' ? m.content[0].text.value : ''))).toEqual([
      'one',
      'two',
    ]);
    expect(first.has_more).toBe(true);
    const all: string[] = [];
    for await (const message of h.client.beta.threads.messages.list(thread.id, { limit: 2, order: 'asc' }))
      all.push(message.id);
    expect(all).toHaveLength(5);
    const empty = await h.client.beta.threads.runs.list(thread.id);
    expect(empty.data).toEqual([]);
    h.fake.setScript(() => [codeInterpreter({ code: 'a' }), codeInterpreter({ code: 'b' }), text('done')]);
    const run = await h.client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: h.assistantId });
    const page = await h.client.beta.threads.runs.steps.list(run.id, {
      thread_id: thread.id,
      limit: 1,
      order: 'asc',
    });
    expect(page.has_more).toBe(true);
    const steps = [];
    for await (const step of h.client.beta.threads.runs.steps.list(run.id, {
      thread_id: thread.id,
      limit: 1,
    }))
      steps.push(step.type);
    expect(steps).toEqual(['message_creation', 'tool_calls', 'tool_calls']);
  });

  it('answers errors with the real error body', async () => {
    h.fake.setScript(() => [hang()]);
    const threadId = await h.threadWith('block');
    const run = await h.client.beta.threads.runs.create(threadId, { assistant_id: h.assistantId });
    const failures = await Promise.all([
      h.client.beta.threads.messages
        .create(threadId, { role: 'user', content: 'more' })
        .catch((e: unknown) => e),
      h.client.beta.threads.runs.create(threadId, { assistant_id: h.assistantId }).catch((e: unknown) => e),
      h.client.beta.threads.retrieve('thread_missing').catch((e: unknown) => e),
      h.client.beta.assistants.retrieve('asst_missing').catch((e: unknown) => e),
      h.client.files.retrieve('file-missing').catch((e: unknown) => e),
      h.client.beta.threads.runs
        .submitToolOutputs(run.id, { thread_id: threadId, tool_outputs: [] })
        .catch((e: unknown) => e),
    ]);
    expect(failures.map((e) => (e instanceof OpenAI.APIError ? e.status : e))).toEqual([
      400, 400, 404, 404, 404, 400,
    ]);
    await h.client.beta.threads.runs.cancel(run.id, { thread_id: threadId });
  });

  it('covers assistants, threads and files CRUD', async () => {
    const made = await h.client.beta.assistants.create({
      model: 'o3',
      name: 'bot',
      metadata: { app: 'threadloom' },
    });
    await h.client.beta.assistants.update(made.id, { instructions: 'Be brief.' });
    const listed = await h.client.beta.assistants.list({ limit: 100 });
    expect(listed.data.find((a) => a.metadata?.app === 'threadloom')?.instructions).toBe('Be brief.');
    const thread = await h.client.beta.threads.create({ metadata: { key: 'discord:1:2' } });
    expect((await h.client.beta.threads.retrieve(thread.id)).metadata).toEqual({ key: 'discord:1:2' });
    expect(await h.client.beta.threads.delete(thread.id)).toEqual({
      id: thread.id,
      object: 'thread.deleted',
      deleted: true,
    });
    const file = await h.client.files.create({
      file: await toFile(Buffer.from('a,b\n'), 'data.csv', { type: 'text/csv' }),
      purpose: 'assistants',
    });
    expect(file).toMatchObject({
      filename: 'data.csv',
      bytes: 4,
      purpose: 'assistants',
      status: 'processed',
    });
    expect(await h.client.beta.assistants.delete(made.id)).toMatchObject({ deleted: true });
  });

  it('sends a spec-shaped error event when a stream fails', async () => {
    h.fake.setScript(() => [text('Hello')]);
    h.fake.streamUnavailable = { cutAfterEvents: 3, how: 'error' };
    try {
      const threadId = await h.threadWith('hi');
      await expect(
        h.client.beta.threads.runs.stream(threadId, { assistant_id: h.assistantId }).finalRun(),
      ).rejects.toThrow();
      expect(h.streamedEvents()).toEqual([
        'thread.run.created',
        'thread.run.queued',
        'thread.run.in_progress',
        'error',
      ]);
    } finally {
      h.fake.streamUnavailable = false;
    }
  });
});

describeSpecs('the conformance check itself', () => {
  it('rejects bodies that break the spec', () => {
    expect(h.spec.validate('RunObject', { id: 'run_1', object: 'thread.run' }).length).toBeGreaterThan(0);
    expect(
      h.spec.validate('AssistantStreamEvent', { event: 'thread.run.running', data: {} }).length,
    ).toBeGreaterThan(0);
    expect(
      h.spec.validate('ErrorResponse', { error: { message: 'x', type: 'invalid_request_error' } }),
    ).not.toEqual([]);
    expect(
      h.spec.validate('DeleteThreadResponse', { id: 'thread_1', object: 'thread.deleted', deleted: true }),
    ).toEqual([]);
  });

  it('reports a recorded body or event that was tampered with', async () => {
    h.fake.clearRecords();
    h.fake.setScript(() => [text('Hello')]);
    const threadId = await h.threadWith('hi');
    await h.client.beta.threads.runs.stream(threadId, { assistant_id: h.assistantId }).finalRun();
    const run = await h.client.beta.threads.runs.create(threadId, { assistant_id: h.assistantId });
    await h.fake.waitFor(() => h.fake.run(run.id)?.status === 'completed');
    expect(checkConformance(h.spec, h.fake).violations).toEqual([]);
    const sent = h.fake.sent.map((s) => structuredClone(s));
    const runBody = sent.find((s) => s.schema === 'RunObject')?.payload as Record<string, unknown>;
    delete runBody.required_action;
    const delta = sent.find((s) => (s.payload as { event?: string }).event === 'thread.message.delta');
    if (!delta) throw new Error('no message delta was streamed');
    const deltaData = (delta.payload as { data: { delta: { content: Record<string, unknown>[] } } }).data;
    delete deltaData.delta.content[0]?.index;
    const report = checkConformance(h.spec, { requests: h.fake.requests, sent });
    expect(report.violations).toHaveLength(2);
    expect(report.violations[0]).toMatch(
      /event thread\.message\.delta .* vs AssistantStreamEvent: data vs MessageDeltaObject: .*'index'/,
    );
    expect(report.violations[1]).toMatch(/RunObject: \/ must have required property 'required_action'/);
  });
});
