import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  byRound,
  type FakeOpenAI,
  functionCall,
  functionCalls,
  hang,
  type ScriptContext,
  startFakeOpenAI,
  text,
} from '../../../src/model-server/index.js';

/** The rules and faults of the fake Assistants API, seen through the real SDK. */

let fake: FakeOpenAI;
let client: OpenAI;
let assistantId: string;

beforeAll(async () => {
  fake = await startFakeOpenAI({ pollAfterMs: 5 });
  client = new OpenAI({ baseURL: fake.url, apiKey: 'test', maxRetries: 0 });
  assistantId = (await client.beta.assistants.create({ model: 'o3', instructions: 'Be kind.' })).id;
});

afterAll(async () => {
  await fake?.close();
});

beforeEach(() => {
  fake.setScript(() => [text('ok')]);
  fake.streamUnavailable = false;
});

async function threadWith(...messages: string[]): Promise<string> {
  const thread = await client.beta.threads.create();
  for (const content of messages)
    await client.beta.threads.messages.create(thread.id, { role: 'user', content });
  return thread.id;
}

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
  );

describe('the wire basics', () => {
  it('requires the OpenAI-Beta header the SDK sends on Assistants calls', async () => {
    const request = fake.requests.find((r) => r.path === '/assistants' && r.method === 'POST');
    expect(request?.headers['openai-beta']).toBe('assistants=v2');
    const response = await fetch(`${fake.url}/threads`, {
      method: 'POST',
      headers: { authorization: 'Bearer test' },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: 'invalid_beta', type: 'invalid_request_error' },
    });
  });

  it('answers 401 without an API key and 404 with the service wording for unknown URLs', async () => {
    expect((await fetch(`${fake.url}/files`)).status).toBe(401);
    const response = await fetch(`${fake.url}/nothing`, { headers: { authorization: 'Bearer test' } });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: {
        message: 'Invalid URL (GET /v1/nothing)',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
  });

  it('checks the API key when one is configured', async () => {
    const strict = await startFakeOpenAI({ apiKey: 'sk-right' });
    try {
      const wrong = new OpenAI({ baseURL: strict.url, apiKey: 'sk-wrong-key', maxRetries: 0 });
      const error = await errorOf(wrong.files.list());
      expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(error?.code).toBe('invalid_api_key');
    } finally {
      await strict.close();
    }
  });

  it('sends x-request-id everywhere and openai-poll-after-ms on runs', async () => {
    fake.pollAfterMs = 123;
    try {
      const threadId = await threadWith('hi');
      const { response } = await client.beta.threads.runs
        .create(threadId, { assistant_id: assistantId })
        .withResponse();
      expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
      expect(response.headers.get('openai-poll-after-ms')).toBe('123');
      const error = await errorOf(client.beta.threads.retrieve('thread_nope'));
      expect(error?.requestID).toMatch(/^req_/);
      expect(error?.message).toContain("No thread found with id 'thread_nope'.");
    } finally {
      fake.pollAfterMs = 5;
    }
  });

  it('refuses parameters the service does not know', async () => {
    const threadId = await threadWith();
    const body = {
      assistant_id: assistantId,
      colour: 'blue',
    } as unknown as OpenAI.Beta.Threads.RunCreateParams;
    const error = await errorOf(client.beta.threads.runs.create(threadId, body));
    expect([error?.status, error?.message]).toEqual([
      400,
      '400 Unrecognized request argument supplied: colour',
    ]);
  });

  it('records JSON bodies and multipart uploads', async () => {
    const file = await client.files.create({
      file: await toFile(Buffer.from('x,y\n1,1\n'), 'points.csv'),
      purpose: 'assistants',
    });
    const upload = fake.requests.find((r) => r.path === '/files' && r.method === 'POST');
    expect(upload?.multipart?.purpose).toBe('assistants');
    expect(upload?.multipart?.file).toMatchObject({ filename: 'points.csv', size: 8 });
    const threadId = await threadWith();
    await client.beta.threads.messages.create(threadId, {
      role: 'user',
      content: 'see file',
      attachments: [{ file_id: file.id, tools: [{ type: 'code_interpreter' }] }],
    });
    const sent = fake.requests.findLast((r) => r.path === `/threads/${threadId}/messages`);
    expect(sent?.json).toEqual({
      role: 'user',
      content: 'see file',
      attachments: [{ file_id: file.id, tools: [{ type: 'code_interpreter' }] }],
    });
  });
});

describe('one run at a time per thread', () => {
  it('refuses a message and a second run while a run is active, with the real wording', async () => {
    fake.setScript(() => [hang()]);
    const threadId = await threadWith('first');
    const run = await client.beta.threads.runs.create(threadId, { assistant_id: assistantId });
    const message = await errorOf(
      client.beta.threads.messages.create(threadId, { role: 'user', content: 'second' }),
    );
    const second = await errorOf(client.beta.threads.runs.create(threadId, { assistant_id: assistantId }));
    expect(message?.message).toBe(`400 Can't add messages to ${threadId} while a run ${run.id} is active.`);
    expect(second?.message).toBe(`400 Thread ${threadId} already has an active run ${run.id}.`);
    await client.beta.threads.runs.cancel(run.id, { thread_id: threadId });
    await fake.waitFor(() => fake.run(run.id)?.status === 'cancelled');
    await client.beta.threads.messages.create(threadId, { role: 'user', content: 'now it works' });
  });

  it('shows a background run advancing to a client that polls', async () => {
    // The model "thinks" until the test lets it answer: no timing window to lose on a slow machine.
    let answer = () => {};
    const thinking = new Promise<void>((resolve) => {
      answer = resolve;
    });
    fake.setScript(async () => {
      await thinking;
      return [text('slow answer', { chunkSize: 4 })];
    });
    const threadId = await threadWith('hi');
    const run = await client.beta.threads.runs.create(threadId, { assistant_id: assistantId });
    expect(run.status).toBe('queued');
    await fake.waitFor(() => fake.run(run.id)?.status === 'in_progress');
    const polled = await client.beta.threads.runs.retrieve(run.id, { thread_id: threadId });
    expect(polled.status).toBe('in_progress');
    answer();
    const done = await client.beta.threads.runs.poll(run.id, { thread_id: threadId });
    expect(done.status).toBe('completed');
    expect(fake.runEvents(run.id).map((e) => e.event)).toContain('thread.message.delta');
  });

  it('cancels through cancelling, and refuses to cancel a finished run', async () => {
    fake.setScript(() => [hang()]);
    const threadId = await threadWith('hi');
    const run = await client.beta.threads.runs.create(threadId, { assistant_id: assistantId });
    expect((await client.beta.threads.runs.cancel(run.id, { thread_id: threadId })).status).toBe(
      'cancelling',
    );
    await fake.waitFor(() => fake.run(run.id)?.status === 'cancelled');
    const again = await errorOf(client.beta.threads.runs.cancel(run.id, { thread_id: threadId }));
    expect(again?.message).toBe("400 Cannot cancel run with status 'cancelled'.");
  });
});

describe('submit_tool_outputs', () => {
  it('needs exactly the pending call ids, and only in requires_action', async () => {
    fake.setScript(
      byRound(
        [
          functionCalls(
            { name: 'a', arguments: {}, callId: 'call_a' },
            { name: 'b', arguments: {}, callId: 'call_b' },
          ),
        ],
        [text('done')],
      ),
    );
    const threadId = await threadWith('go');
    const run = await client.beta.threads.runs.createAndPoll(threadId, { assistant_id: assistantId });
    const partial = await errorOf(
      client.beta.threads.runs.submitToolOutputs(run.id, {
        thread_id: threadId,
        tool_outputs: [{ tool_call_id: 'call_a', output: '1' }],
      }),
    );
    expect(partial?.message).toBe(
      "400 Expected tool outputs for call_ids ['call_a', 'call_b'], got ['call_a']",
    );
    const outputs = [
      { tool_call_id: 'call_b', output: '2' },
      { tool_call_id: 'call_a', output: '1' },
    ];
    const resumed = await client.beta.threads.runs.submitToolOutputs(run.id, {
      thread_id: threadId,
      tool_outputs: outputs,
    });
    expect(resumed.status).toBe('queued');
    await fake.waitFor(() => fake.run(run.id)?.status === 'completed');
    const late = await errorOf(
      client.beta.threads.runs.submitToolOutputs(run.id, { thread_id: threadId, tool_outputs: outputs }),
    );
    expect(late?.message).toBe('400 Runs in status "completed" do not accept tool outputs.');
  });

  it('gives the script the submitted outputs and the turn it answers', async () => {
    const seen: ScriptContext[] = [];
    fake.setScript((context) => {
      seen.push(context);
      return context.round === 1
        ? [functionCall('current_time', { timezone: 'UTC' }, 'call_t')]
        : [text('noon')];
    });
    const doc = await client.files.create({
      file: await toFile(Buffer.from('hi'), 'notes.txt'),
      purpose: 'assistants',
    });
    const thread = await client.beta.threads.create();
    await client.beta.threads.messages.create(thread.id, { role: 'user', content: 'first' });
    await client.beta.threads.messages.create(thread.id, {
      role: 'user',
      content: 'second',
      attachments: [{ file_id: doc.id, tools: [{ type: 'file_search' }] }],
    });
    const run = await client.beta.threads.runs.createAndPoll(thread.id, {
      assistant_id: assistantId,
      tools: [{ type: 'code_interpreter' }],
    });
    await client.beta.threads.runs.submitToolOutputsAndPoll(run.id, {
      thread_id: thread.id,
      tool_outputs: [{ tool_call_id: 'call_t', output: '12:00' }],
    });
    expect(seen[0]).toMatchObject({
      round: 1,
      userMessages: ['first', 'second'],
      text: 'first\nsecond',
      files: [{ fileId: doc.id, name: 'notes.txt', tools: ['file_search'] }],
      instructions: 'Be kind.',
      tools: [{ type: 'code_interpreter' }],
      history: [],
    });
    expect(seen[1]?.toolOutputs).toEqual([
      { callId: 'call_t', name: 'current_time', arguments: '{"timezone":"UTC"}', output: '12:00' },
    ]);
    await client.beta.threads.messages.create(thread.id, { role: 'user', content: 'third' });
    await client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: assistantId });
    expect(seen[2]?.userMessages).toEqual(['third']);
    expect(seen[2]?.history).toEqual([
      { role: 'user', text: 'first' },
      { role: 'user', text: 'second' },
      { role: 'assistant', text: 'noon' },
    ]);
  });

  it('fails the run with server_error when the script is broken', async () => {
    fake.setScript(() => {
      throw new Error('oops');
    });
    const threadId = await threadWith('hi');
    const run = await client.beta.threads.runs.createAndPoll(threadId, { assistant_id: assistantId });
    expect(run.status).toBe('failed');
    expect(run.last_error).toEqual({
      code: 'server_error',
      message: 'fake model script failed: Error: oops',
    });
  });
});

describe('fault injection', () => {
  it('answers the next matching request with 429 and retry-after, then recovers', async () => {
    fake.failNext('GET', '/threads/{thread_id}', 429, undefined, { 'retry-after': '0' });
    const retrying = new OpenAI({ baseURL: fake.url, apiKey: 'test', maxRetries: 1 });
    const threadId = await threadWith();
    const before = fake.requests.length;
    expect((await retrying.beta.threads.retrieve(threadId)).id).toBe(threadId);
    expect(fake.requests.slice(before).map((r) => r.path)).toEqual([
      `/threads/${threadId}`,
      `/threads/${threadId}`,
    ]);
    expect(fake.sent.find((s) => s.request === before)?.payload).toMatchObject({
      error: { code: 'rate_limit_exceeded' },
    });
  });

  it('fails with 500 or drops the connection once', async () => {
    fake.failNext('POST', '/threads', 500);
    expect(await errorOf(client.beta.threads.create())).toBeInstanceOf(OpenAI.InternalServerError);
    fake.dropNext('POST', /^\/threads$/);
    expect(await errorOf(client.beta.threads.create())).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(fake.pendingFaults).toBe(0);
    await client.beta.threads.create();
  });

  it('refuses streams with 400 unsupported_value when streaming is unavailable', async () => {
    fake.streamUnavailable = 'reject';
    const threadId = await threadWith('hi');
    const error = await errorOf(
      client.beta.threads.runs.stream(threadId, { assistant_id: assistantId }).finalRun(),
    );
    expect([error?.status, error?.code, error?.param]).toEqual([400, 'unsupported_value', 'stream']);
    expect(fake.runs(threadId)).toEqual([]);
    expect(
      (await client.beta.threads.runs.createAndPoll(threadId, { assistant_id: assistantId })).status,
    ).toBe('completed');
  });

  it('cuts a stream after N events while the run goes on, so the client must poll', async () => {
    fake.streamUnavailable = { cutAfterEvents: 4 };
    fake.setScript(() => [text('the whole answer', { chunkSize: 3 })]);
    const threadId = await threadWith('hi');
    await expect(
      client.beta.threads.runs.stream(threadId, { assistant_id: assistantId }).finalRun(),
    ).rejects.toThrow();
    const runId = fake.runs(threadId)[0]?.id ?? '';
    const run = await client.beta.threads.runs.poll(runId, { thread_id: threadId });
    expect(run.status).toBe('completed');
    const [answer] = (await client.beta.threads.messages.list(threadId, { limit: 1 })).data;
    expect(answer?.content[0]?.type === 'text' && answer.content[0].text.value).toBe('the whole answer');
  });
});

describe('state helpers', () => {
  it('deletes a thread with its runs, ending their streams, after which their ids are unknown', async () => {
    fake.setScript(() => [hang()]);
    const threadId = await threadWith('hi');
    const stream = client.beta.threads.runs.stream(threadId, { assistant_id: assistantId });
    const run = await fake.waitFor(() => fake.runs(threadId).find((r) => r.status === 'in_progress'));
    await client.beta.threads.delete(threadId);
    expect((await stream.finalRun()).status).toBe('cancelled');
    expect(fake.threads().map((t) => t.id)).not.toContain(threadId);
    expect(fake.run(run.id)).toBeUndefined();
    expect((await errorOf(client.beta.threads.runs.retrieve(run.id, { thread_id: threadId })))?.status).toBe(
      404,
    );
  });

  it('gives up waiting at the deadline with a message that names the wait', async () => {
    await expect(fake.waitFor(() => false, { timeoutMs: 20, what: 'nothing' })).rejects.toThrow(
      'fake OpenAI: timed out after 20 ms waiting for nothing',
    );
  });

  it('counts annotation indexes in code points, as the service does', async () => {
    const doc = fake.addFile({ filename: 'a.txt', bytes: 'text' });
    fake.setScript(() => [
      text('😀 ok [1]', { annotations: [{ type: 'file_citation', text: '[1]', fileId: doc.id }] }),
    ]);
    const threadId = await threadWith('hi');
    await client.beta.threads.runs.createAndPoll(threadId, { assistant_id: assistantId });
    const part = fake.messages(threadId).at(-1)?.content[0];
    expect(part?.type === 'text' && part.text.annotations[0]).toMatchObject({ start_index: 5, end_index: 8 });
  });
});
