import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { conversationKey } from '../core/conversation.js';
import { createCurrentTimeTool } from './current-time.js';
import { createToolRegistry } from './registry.js';
import { defineTool, type FunctionTool } from './tool.js';

const clock = createCurrentTimeTool(() => new Date('2026-11-26T12:03:00Z'));
const echo = defineTool({
  name: 'echo',
  description: 'Echoes text.',
  parameters: z.object({ text: z.string(), times: z.number().int().min(1).optional() }),
  execute: ({ text, times }) => text.repeat(times ?? 1),
});
const failing = defineTool({
  name: 'failing',
  description: 'Always fails.',
  parameters: z.object({}),
  execute: () => {
    throw new Error('the weather service is down');
  },
});
let lastSignal: AbortSignal | undefined;
const hanging = defineTool({
  name: 'hanging',
  description: 'Never finishes on its own.',
  parameters: z.object({}),
  execute: (_args, { signal }) => {
    lastSignal = signal;
    return new Promise(() => {});
  },
});
const tools: FunctionTool[] = [clock, echo, failing, hanging];

const context = (signal = new AbortController().signal, timeoutMs = 1_000) => ({
  signal,
  key: conversationKey('console', 'test'),
  userId: 'u1',
  timeoutMs,
});
const registry = createToolRegistry(tools, ['current_time', 'echo', 'failing', 'hanging']);
const call = (name: string, args: string, ctx = context()) =>
  registry.execute({ name, arguments: args }, ctx);

describe('createToolRegistry', () => {
  it('declares enabled tools with a closed JSON schema object', () => {
    const only = createToolRegistry(tools, ['current_time']);
    expect(only.definitions()).toEqual([
      {
        name: 'current_time',
        description: clock.description,
        parameters: {
          type: 'object',
          properties: {
            timezone: { type: 'string', default: 'UTC', description: expect.stringContaining('IANA') },
          },
          required: [],
          additionalProperties: false,
        },
      },
    ]);
  });

  it('marks required parameters as required', () => {
    expect(createToolRegistry(tools, ['echo']).definitions()[0]?.parameters).toMatchObject({
      required: ['text'],
    });
  });

  it('knows only the enabled tools', () => {
    const only = createToolRegistry(tools, ['echo']);
    expect(only.has('echo')).toBe(true);
    expect(only.has('current_time')).toBe(false);
  });

  it('refuses to enable a tool that does not exist', () => {
    expect(() => createToolRegistry(tools, ['weather'])).toThrow(/"weather" is enabled but not defined/);
  });

  it('refuses a tool whose parameters are not an object', () => {
    const bad = defineTool({ name: 'bad', description: '', parameters: z.string(), execute: () => '' });
    expect(() => createToolRegistry([bad], ['bad'])).toThrow(/must be a zod object/);
  });
});

describe('execute', () => {
  it('returns the JSON of what the tool returned', async () => {
    const result = await call('current_time', '{"timezone":"Asia/Tokyo"}');
    expect(result.isError).toBe(false);
    expect(JSON.parse(result.output)).toMatchObject({ datetime: '2026-11-26T21:03:00+09:00' });
  });

  it('returns text results as they are', async () => {
    expect(await call('echo', '{"text":"ab","times":2}')).toEqual({ output: 'abab', isError: false });
  });

  it('takes empty arguments as an empty object', async () => {
    expect(JSON.parse((await call('current_time', '')).output)).toMatchObject({ timezone: 'UTC' });
  });

  it('names the available functions when asked for an unknown one', async () => {
    const result = await call('weather', '{}');
    expect(result).toEqual({
      output: 'Error: unknown function "weather"; available functions: current_time, echo, failing, hanging',
      isError: true,
    });
  });

  it('treats a tool that is defined but not enabled as unknown', async () => {
    const result = await createToolRegistry(tools, ['echo']).execute(
      { name: 'failing', arguments: '{}' },
      context(),
    );
    expect(result.output).toBe('Error: unknown function "failing"; available functions: echo');
  });

  it('reports arguments that are not JSON', async () => {
    const result = await call('echo', '{"text": ');
    expect(result.isError).toBe(true);
    expect(result.output).toMatch(/^Error: the arguments of echo are not valid JSON \(/);
  });

  it('lists every schema issue of the arguments', async () => {
    const result = await call('echo', '{"times": 0}');
    expect(result.isError).toBe(true);
    expect(result.output).toMatch(/^Error: invalid arguments for echo:\n- text: .*\n- times: .*/);
  });

  it('reports arguments that are not an object', async () => {
    expect((await call('echo', '[1,2]')).output).toMatch(
      /^Error: invalid arguments for echo:\n- \(arguments\): /,
    );
  });

  it('turns a thrown error into an error output with its message', async () => {
    expect(await call('failing', '{}')).toEqual({
      output: 'Error: failing failed: the weather service is down',
      isError: true,
    });
  });

  it('turns an unknown time zone into an error output', async () => {
    const result = await call('current_time', '{"timezone":"Nowhere/Special"}');
    expect(result.isError).toBe(true);
    expect(result.output).toContain('unknown time zone "Nowhere/Special"');
  });

  it('gives up on a tool past its timeout and aborts its signal', async () => {
    const result = await call('hanging', '{}', context(new AbortController().signal, 20));
    expect(result).toEqual({ output: 'Error: hanging timed out after 20 ms', isError: true });
    expect(lastSignal?.aborted).toBe(true);
  });

  it('stops waiting when the caller cancels, and passes the cancellation on', async () => {
    const caller = new AbortController();
    const pending = call('hanging', '{}', context(caller.signal, 60_000));
    caller.abort();
    expect(await pending).toEqual({ output: 'Error: hanging was cancelled', isError: true });
    expect(lastSignal?.aborted).toBe(true);
  });

  it('does not start a tool when the caller has already cancelled', async () => {
    const caller = new AbortController();
    caller.abort();
    expect((await call('echo', '{"text":"x"}', context(caller.signal))).output).toBe(
      'Error: echo was cancelled',
    );
  });

  it('caps long outputs and says they were cut', async () => {
    const small = createToolRegistry(tools, ['echo'], { maxOutputChars: 100 });
    const result = await small.execute({ name: 'echo', arguments: '{"text":"x","times":500}' }, context());
    expect(result.output.length).toBeLessThanOrEqual(100);
    expect(result.output).toMatch(/^x+\n\[truncated: the output had 500 characters\]$/);
  });

  it('reports a result that cannot be turned into JSON', async () => {
    const big = defineTool({ name: 'big', description: '', parameters: z.object({}), execute: () => 10n });
    const result = await createToolRegistry([big], ['big']).execute(
      { name: 'big', arguments: '{}' },
      context(),
    );
    expect(result.isError).toBe(true);
    expect(result.output).toMatch(/^Error: big returned a value that is not JSON/);
  });

  it('gives a tool that returns nothing the output null', async () => {
    const quiet = defineTool({
      name: 'quiet',
      description: '',
      parameters: z.object({}),
      execute: () => undefined,
    });
    const result = await createToolRegistry([quiet], ['quiet']).execute(
      { name: 'quiet', arguments: '{}' },
      context(),
    );
    expect(result).toEqual({ output: 'null', isError: false });
  });

  it('never rejects, even when a schema refinement throws', async () => {
    const odd = defineTool({
      name: 'odd',
      description: '',
      parameters: z.object({}).refine(() => {
        throw new Error('refinement broke');
      }),
      execute: () => 'ok',
    });
    const result = await createToolRegistry([odd], ['odd']).execute(
      { name: 'odd', arguments: '{}' },
      context(),
    );
    expect(result).toEqual({ output: 'Error: odd failed: refinement broke', isError: true });
  });
});
