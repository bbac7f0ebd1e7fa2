import { toFile } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  byRound,
  cancelled,
  chartFile,
  failed,
  functionCall,
  functionCalls,
  incomplete,
  type ScriptContext,
  text,
} from '../../../src/model-server/index.js';
import {
  expectConformingTraffic,
  openResponsesHarness,
  type ResponsesHarness,
  streamed,
  textPart,
} from './conformance-harness.js';

/**
 * Responses as the bot drives them (streamed and not, function calls, chains, every ending) through
 * the real SDK, with every body and event the fake sent and every request it accepted validated
 * against ../shared/specs/openai-openapi.yaml. Hosted tools: responses-conformance-tools.int.test.ts;
 * conversations, background mode, cancel and errors: responses-conformance-api.int.test.ts.
 */

let h: ResponsesHarness;

beforeAll(async () => {
  h = await openResponsesHarness(); // the spec is parsed at its first check, once per process
}, 30_000);

afterAll(async () => {
  await h?.close();
});

describe('spec conformance of fake Responses', () => {
  // Each test's traffic is checked on its own, so a violation names the scenario that caused it.
  afterEach(() => expectConformingTraffic(h));

  it('streams a plain text answer with the real event sequence', async () => {
    h.fake.setScript(() => [text('Hello there, friend!', { chunkSize: 6 })]);
    const { final, deltas } = await streamed(h.client, {
      model: 'o3',
      input: 'hi',
      instructions: 'Be kind.',
    });
    expect(deltas.join('')).toBe('Hello there, friend!');
    expect([final?.status, final?.instructions, textPart(final).text]).toEqual([
      'completed',
      'Be kind.',
      'Hello there, friend!',
    ]);
    expect(final?.usage).toMatchObject({ output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 } });
    expect(h.streamedTypes()).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const numbers = h.fake.sent.map((s) => (s.payload as { sequence_number?: number }).sequence_number);
    expect(numbers).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('answers without streaming once done, and keeps the response and its input', async () => {
    const seen: ScriptContext[] = [];
    h.fake.setScript((context) => {
      seen.push(context);
      return {
        steps: [text('Plain answer.')],
        usage: { inputTokens: 40, outputTokens: 3, reasoningTokens: 2, cachedTokens: 8 },
      };
    });
    const image = await h.client.files.create({
      file: await toFile(chartFile().bytes, 'chart.png', { type: 'image/png' }),
      purpose: 'vision',
    });
    const doc = await h.client.files.create({
      file: await toFile(Buffer.from('%PDF'), 'a.pdf'),
      purpose: 'user_data',
    });
    const mcp = {
      type: 'mcp' as const,
      server_label: 'docs',
      server_url: 'https://mcp.example.com/sse',
      require_approval: 'never' as const,
    };
    const response = await h.client.responses.create({
      model: 'o3',
      tools: [mcp],
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'hello' },
            { type: 'input_image', file_id: image.id, detail: 'auto' },
            { type: 'input_file', file_id: doc.id },
          ],
        },
      ],
    });
    expect([response.status, response.output_text, response.tools]).toEqual([
      'completed',
      'Plain answer.',
      [mcp],
    ]);
    expect(response.usage).toEqual({
      input_tokens: 40,
      input_tokens_details: { cached_tokens: 8, cache_write_tokens: 0 },
      output_tokens: 3,
      output_tokens_details: { reasoning_tokens: 2 },
      total_tokens: 43,
    });
    expect(seen[0]).toMatchObject({
      text: 'hello',
      tools: [{ type: 'mcp', serverLabel: 'docs' }],
      files: [
        { fileId: image.id, name: 'chart.png', tools: [] },
        { fileId: doc.id, name: 'a.pdf', tools: [] },
      ],
    });
    expect((await h.client.responses.retrieve(response.id)).output_text).toBe('Plain answer.');
    const input = await h.client.responses.inputItems.list(response.id);
    expect(input.data).toMatchObject([
      {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'hello' }, { type: 'input_image' }, { type: 'input_file' }],
      },
    ]);
    const helper = await h.client.responses.stream({ model: 'o3', input: 'again' }).finalResponse();
    expect(helper.output_text).toBe('Plain answer.');
  });

  it('asks for two rounds of function calls and answers after their outputs', async () => {
    const seen: ScriptContext[] = [];
    h.fake.setScript(
      byRound(
        [
          functionCalls(
            { name: 'current_time', arguments: { timezone: 'UTC' } },
            { name: 'current_time', arguments: { timezone: 'Asia/Tokyo' } },
          ),
        ],
        [functionCall('lookup', '{"q":"x"}')],
        (context) => {
          seen.push(context);
          return [text(`Outputs: ${context.toolOutputs.map((o) => o.output).join(', ')}`)];
        },
      ),
    );
    const conversation = await h.client.conversations.create();
    const tools = ['current_time', 'lookup'].map((name) => ({
      type: 'function' as const,
      name,
      parameters: { type: 'object', properties: {} },
      strict: false,
    }));
    let response = (
      await streamed(h.client, {
        model: 'o3',
        conversation: conversation.id,
        input: 'what time is it?',
        tools,
      })
    ).final;
    const rounds: number[] = [];
    for (;;) {
      const calls = response?.output.filter((o) => o.type === 'function_call') ?? [];
      if (calls.length === 0) break;
      rounds.push(calls.length);
      const input = calls.map((c) => ({
        type: 'function_call_output' as const,
        call_id: c.type === 'function_call' ? c.call_id : '',
        output: `out${rounds.length}`,
      }));
      response = await h.client.responses.create({
        model: 'o3',
        conversation: conversation.id,
        input,
        tools,
      });
    }
    expect(rounds).toEqual([2, 1]);
    expect(response?.output_text).toBe('Outputs: out2');
    expect(seen[0]).toMatchObject({
      round: 3,
      text: 'what time is it?',
      toolOutputs: [{ name: 'lookup', arguments: '{"q":"x"}', output: 'out2' }],
    });
    expect(h.streamedTypes()).toEqual(
      expect.arrayContaining([
        'response.function_call_arguments.delta',
        'response.function_call_arguments.done',
      ]),
    );
    const items = await h.client.conversations.items.list(conversation.id, { order: 'asc', limit: 100 });
    expect(items.data.map((i) => i.type)).toEqual([
      'message',
      'function_call',
      'function_call',
      'function_call_output',
      'function_call_output',
      'function_call',
      'function_call_output',
      'message',
    ]);
  });

  it('chains responses with previous_response_id, history and tool rounds included', async () => {
    const seen: ScriptContext[] = [];
    h.fake.setScript((context) => {
      seen.push(context);
      if (context.text === 'time?' && context.round === 1)
        return [functionCall('current_time', {}, 'call_fixed')];
      return [text(`round ${context.round}, ${context.history.length} earlier messages`)];
    });
    const first = await h.client.responses.create({ model: 'o3', input: 'My name is Ada.' });
    const second = await h.client.responses.create({
      model: 'o3',
      input: 'time?',
      previous_response_id: first.id,
    });
    expect(second.output[0]).toMatchObject({
      type: 'function_call',
      call_id: 'call_fixed',
      status: 'completed',
    });
    const third = await h.client.responses.create({
      model: 'o3',
      previous_response_id: second.id,
      input: [{ type: 'function_call_output', call_id: 'call_fixed', output: 'noon' }],
    });
    expect([third.previous_response_id, third.output_text]).toEqual([
      second.id,
      'round 2, 2 earlier messages',
    ]);
    expect(seen[2]?.history).toEqual([
      { role: 'user', text: 'My name is Ada.' },
      { role: 'assistant', text: 'round 1, 0 earlier messages' },
    ]);
  });

  it.each([
    [
      'incomplete',
      'response.incomplete',
      incomplete('max_output_tokens'),
      { incomplete_details: { reason: 'max_output_tokens' } },
    ],
    [
      'incomplete',
      'response.incomplete',
      incomplete('content_filter'),
      { incomplete_details: { reason: 'content_filter' } },
    ],
    [
      'failed',
      'response.failed',
      failed('The model crashed.'),
      { error: { code: 'server_error', message: 'The model crashed.' } },
    ],
    ['cancelled', 'response.output_item.done', cancelled(), {}],
  ] as const)('ends a response as %s (last event %s)', async (status, last, ending, details) => {
    h.fake.setScript(() => [text('Partial answer'), ending]);
    const stream = await h.client.responses.create({
      model: 'o3',
      input: 'go',
      stream: true,
      background: true,
    });
    let id = '';
    for await (const event of stream) if (event.type === 'response.created') id = event.response.id;
    expect(h.streamedTypes().at(-1)).toBe(last);
    const response = await h.client.responses.retrieve(id);
    expect(response).toMatchObject({ status, ...details });
    // The text was done before a failure or cancel; only running out of tokens cuts it short.
    expect((response.output[0] as { status?: string } | undefined)?.status).toBe(
      status === 'incomplete' ? 'incomplete' : 'completed',
    );
  });
});
