import { toFile } from 'openai';
import type { Run } from 'openai/resources/beta/threads/runs/runs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  byRound,
  cancelled,
  chartFile,
  citation,
  codeInterpreter,
  expired,
  failed,
  filePath,
  fileSearch,
  functionCall,
  functionCalls,
  hang,
  incomplete,
  squaresCsv,
  text,
} from '../../../src/model-server/index.js';
import {
  type ConformanceHarness,
  expectConformingTraffic,
  openConformanceHarness,
} from './conformance-harness.js';

/**
 * Runs as the bot drives them (streamed and polled, every tool and every ending) through the real
 * SDK, with everything the fake sent and every request it accepted validated against
 * ../shared/specs/openai-openapi.yaml. The rest of the API: spec-conformance-api.int.test.ts.
 */

let h: ConformanceHarness;

beforeAll(async () => {
  h = await openConformanceHarness(); // the spec is parsed at its first check, once per process
}, 30_000);

afterAll(async () => {
  await h?.close();
});

describe('spec conformance of fake Assistants runs', () => {
  // Each test's traffic is checked on its own, so a violation names the scenario that caused it.
  afterEach(() => expectConformingTraffic(h));

  it('streams a plain text answer with the real event sequence', async () => {
    h.fake.setScript(() => [text('Hello there, friend!', { chunkSize: 6 })]);
    const threadId = await h.threadWith('hi');
    const stream = h.client.beta.threads.runs.stream(threadId, { assistant_id: h.assistantId });
    const deltas: string[] = [];
    stream.on('textDelta', (delta) => deltas.push(delta.value ?? ''));
    const run = await stream.finalRun();
    expect(run.status).toBe('completed');
    expect(deltas.join('')).toBe('Hello there, friend!');
    expect(h.streamedEvents()).toEqual([
      'thread.run.created',
      'thread.run.queued',
      'thread.run.in_progress',
      'thread.run.step.created',
      'thread.run.step.in_progress',
      'thread.message.created',
      'thread.message.in_progress',
      'thread.message.delta',
      'thread.message.delta',
      'thread.message.delta',
      'thread.message.delta',
      'thread.message.completed',
      'thread.run.step.completed',
      'thread.run.completed',
      'done',
    ]);
  });

  it('runs code with logs and a real PNG image that can be downloaded', async () => {
    h.fake.setScript(() => [
      codeInterpreter({ code: 'x = 1\nprint(x)', logs: '1\n', images: [chartFile()] }),
      text('Here is the chart.'),
    ]);
    const threadId = await h.threadWith('plot y=x^2');
    const run = await h.client.beta.threads.runs.stream(threadId, { assistant_id: h.assistantId }).finalRun();
    const steps = await h.client.beta.threads.runs.steps.list(run.id, { thread_id: threadId, order: 'asc' });
    const code = steps.data[0]?.step_details;
    if (code?.type !== 'tool_calls' || code.tool_calls[0]?.type !== 'code_interpreter')
      throw new Error('no code step');
    const image = code.tool_calls[0].code_interpreter.outputs.find((o) => o.type === 'image');
    if (image?.type !== 'image') throw new Error('no image output');
    const response = await h.client.files.content(image.image.file_id);
    expect(response.headers.get('content-type')).toBe('image/png');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const [answer] = (await h.client.beta.threads.messages.list(threadId, { limit: 1 })).data;
    expect(answer?.content.map((c) => c.type)).toEqual(['image_file', 'text']);
    expect((await h.client.files.retrieve(image.image.file_id)).purpose).toBe('assistants_output');
  });

  it('searches files and cites them with file_citation annotations', async () => {
    const doc = await h.client.files.create({
      file: await toFile(Buffer.from('The sky is blue.'), 'facts.txt'),
      purpose: 'assistants',
    });
    h.fake.setScript(() => [
      fileSearch(
        ['sky colour'],
        [{ fileId: doc.id, fileName: 'facts.txt', score: 0.9, text: 'The sky is blue.' }],
      ),
      text('The sky is blue【4:0†facts.txt】.', {
        annotations: [citation('【4:0†facts.txt】', doc.id, 'The sky is blue.')],
      }),
    ]);
    const threadId = await h.threadWith('what colour is the sky?');
    const run = await h.client.beta.threads.runs.stream(threadId, { assistant_id: h.assistantId }).finalRun();
    const [answer] = (await h.client.beta.threads.messages.list(threadId, { limit: 1 })).data;
    const part = answer?.content[0];
    if (part?.type !== 'text') throw new Error('no text');
    expect(part.text.annotations).toEqual([
      {
        type: 'file_citation',
        text: '【4:0†facts.txt】',
        start_index: 15,
        end_index: 30,
        file_citation: { file_id: doc.id },
      },
    ]);
    const include = ['step_details.tool_calls[*].file_search.results[*].content'] as const;
    const withContent = await h.client.beta.threads.runs.steps.list(run.id, {
      thread_id: threadId,
      order: 'asc',
      include: [...include],
    });
    const plain = await h.client.beta.threads.runs.steps.retrieve(withContent.data[0]?.id ?? '', {
      thread_id: threadId,
      run_id: run.id,
    });
    const resultOf = (step: typeof plain | undefined) =>
      step?.step_details.type === 'tool_calls' && step.step_details.tool_calls[0]?.type === 'file_search'
        ? step.step_details.tool_calls[0].file_search.results?.[0]
        : undefined;
    expect(resultOf(withContent.data[0])?.content).toEqual([{ type: 'text', text: 'The sky is blue.' }]);
    expect(resultOf(plain)).toEqual({ file_id: doc.id, file_name: 'facts.txt', score: 0.9 });
  });

  it('links a generated file with a file_path annotation', async () => {
    h.fake.setScript(() => [
      codeInterpreter({ code: "df.to_csv('/mnt/data/squares.csv')", files: [squaresCsv()] }),
      text('Download [squares.csv](sandbox:/mnt/data/squares.csv).', {
        annotations: [filePath('sandbox:/mnt/data/squares.csv', squaresCsv())],
      }),
    ]);
    const threadId = await h.threadWith('make a csv');
    await h.client.beta.threads.runs.createAndPoll(threadId, { assistant_id: h.assistantId });
    const [answer] = (await h.client.beta.threads.messages.list(threadId, { limit: 1 })).data;
    const part = answer?.content[0];
    if (part?.type !== 'text' || part.text.annotations[0]?.type !== 'file_path')
      throw new Error('no file_path');
    const fileId = part.text.annotations[0].file_path.file_id;
    expect((await h.client.files.retrieve(fileId)).filename).toBe('/mnt/data/squares.csv');
    const response = await h.client.files.content(fileId);
    expect(response.headers.get('content-type')).toBe('text/csv');
    expect(await response.text()).toContain('-3,9');
  });

  it('asks for two rounds of function calls and streams the answer', async () => {
    h.fake.setScript(
      byRound(
        [
          functionCalls(
            { name: 'current_time', arguments: { timezone: 'UTC' } },
            { name: 'current_time', arguments: { timezone: 'Asia/Tokyo' } },
          ),
        ],
        [functionCall('lookup', '{"q":"x"}')],
        [text('Both times are known.')],
      ),
    );
    const threadId = await h.threadWith('what time is it?');
    let run: Run = await h.client.beta.threads.runs
      .stream(threadId, { assistant_id: h.assistantId })
      .finalRun();
    const rounds: number[] = [];
    while (run.status === 'requires_action') {
      const calls = run.required_action?.submit_tool_outputs.tool_calls ?? [];
      rounds.push(calls.length);
      run = await h.client.beta.threads.runs
        .submitToolOutputsStream(run.id, {
          thread_id: threadId,
          tool_outputs: calls.map((c) => ({ tool_call_id: c.id, output: 'ok' })),
        })
        .finalRun();
    }
    expect(rounds).toEqual([2, 1]);
    expect(run.status).toBe('completed');
    expect(run.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('does the same by polling, without streams', async () => {
    h.fake.setScript(byRound([functionCall('current_time', { timezone: 'UTC' })], [text('It is noon.')]));
    const threadId = await h.threadWith('time?');
    const first = await h.client.beta.threads.runs.createAndPoll(threadId, { assistant_id: h.assistantId });
    expect(first.status).toBe('requires_action');
    const callId = first.required_action?.submit_tool_outputs.tool_calls[0]?.id ?? '';
    const done = await h.client.beta.threads.runs.submitToolOutputsAndPoll(first.id, {
      thread_id: threadId,
      tool_outputs: [{ tool_call_id: callId, output: '12:00' }],
    });
    expect(done.status).toBe('completed');
    const runs = await h.client.beta.threads.runs.list(threadId);
    expect(runs.data.map((r) => r.id)).toEqual([first.id]);
  });

  it.each([
    ['incomplete', incomplete('max_output_tokens')],
    ['failed', failed('The model crashed.')],
    ['expired', expired()],
    ['cancelled', cancelled()],
  ] as const)('ends a run as %s', async (status, ending) => {
    h.fake.setScript(() => [text('Partial answer'), ending]);
    const threadId = await h.threadWith('go');
    const run = await h.client.beta.threads.runs.stream(threadId, { assistant_id: h.assistantId }).finalRun();
    expect(run.status).toBe(status);
    expect(h.streamedEvents()).toContain(`thread.run.${status}`);
  });

  it('cancels a hanging run that the client asked to cancel', async () => {
    h.fake.setScript(() => [text('Thinking…'), hang()]);
    const threadId = await h.threadWith('take your time');
    const stream = h.client.beta.threads.runs.stream(threadId, { assistant_id: h.assistantId });
    const runId = await h.fake.waitFor(
      () => h.fake.runs(threadId).find((r) => r.status === 'in_progress')?.id,
    );
    await h.client.beta.threads.runs.cancel(runId, { thread_id: threadId });
    expect((await stream.finalRun()).status).toBe('cancelled');
  });

  it('expires a run whose tool outputs never come', async () => {
    h.fake.requiresActionExpiryMs = 400;
    h.fake.setScript(() => [functionCall('current_time', {})]);
    try {
      const threadId = await h.threadWith('time?');
      const run = await h.client.beta.threads.runs.createAndPoll(threadId, { assistant_id: h.assistantId });
      expect(run.status).toBe('requires_action');
      await h.fake.waitFor(() => h.fake.run(run.id)?.status === 'expired', { what: 'expiry' });
      const after = await h.client.beta.threads.runs.retrieve(run.id, { thread_id: threadId });
      const steps = await h.client.beta.threads.runs.steps.list(run.id, { thread_id: threadId });
      expect([after.status, steps.data[0]?.status]).toEqual(['expired', 'expired']);
    } finally {
      h.fake.requiresActionExpiryMs = 600_000;
    }
  });
});
