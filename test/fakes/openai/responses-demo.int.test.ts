import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoScript } from '../../../src/model-server/demo-script.js';
import { type FakeOpenAI, startFakeOpenAI } from '../../../src/model-server/index.js';
import { expectNoSpecViolations } from './conformance-harness.js';

/** The demo model (`npm run fake:openai`, `npm run demo`) over the Responses API, as the bot uses it. */

let fake: FakeOpenAI;
let client: OpenAI;

beforeAll(async () => {
  fake = await startFakeOpenAI({ script: demoScript });
  client = new OpenAI({ baseURL: fake.url, apiKey: 'test', maxRetries: 0 });
});

afterAll(async () => {
  await fake?.close();
});

const tools = [
  { type: 'code_interpreter' as const, container: { type: 'auto' as const } },
  {
    type: 'function' as const,
    name: 'current_time',
    parameters: { type: 'object', properties: { timezone: { type: 'string' } } },
    strict: false,
  },
];

describe('the demo model over the Responses API', () => {
  it('plots, tells the time through current_time, and echoes, in one conversation', async () => {
    const conversation = await client.conversations.create();
    const ask = (input: string | OpenAI.Responses.ResponseInput) =>
      client.responses.create({ model: 'o3', conversation: conversation.id, tools, input });

    const plot = await ask('plot y = x^2');
    const call = plot.output[0];
    if (call?.type !== 'code_interpreter_call') throw new Error('no code_interpreter_call');
    expect(call.code).toContain('y = x**2');
    expect(plot.output_text).toBe('Here is the plot of y = x^2 for x from -5 to 5.');
    const [chart] = (await client.containers.files.list(call.container_id)).data;
    expect(chart?.path).toBe('/mnt/data/chart.png');
    const bytes = await client.containers.files.content.retrieve(chart?.id ?? '', {
      container_id: call.container_id,
    });
    expect(bytes.headers.get('content-type')).toBe('image/png');

    const time = await ask('what time is it in Tokyo?');
    const [fn] = time.output;
    if (fn?.type !== 'function_call') throw new Error('no function_call');
    expect([fn.name, JSON.parse(fn.arguments)]).toEqual(['current_time', { timezone: 'Asia/Tokyo' }]);
    // current_time answers JSON, which the demo model reads back as a sentence.
    const output = JSON.stringify({
      timezone: 'Asia/Tokyo',
      datetime: '2026-01-01T09:00:00+09:00',
      weekday: 'Thursday',
    });
    const answer = await ask([{ type: 'function_call_output', call_id: fn.call_id, output }]);
    expect(answer.output_text).toBe('It is Thursday 2026-01-01T09:00:00+09:00 in Asia/Tokyo.');

    expect((await ask('hello')).output_text).toBe('You said: hello');
    expectNoSpecViolations(fake);
  });
});
