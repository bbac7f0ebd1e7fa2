import { describe, expect, it } from 'vitest';
import { compileExpression, demoScript, plotExpression, requestedTimezone } from './demo-script.js';
import { playRound, type ScriptContext, type ScriptStep } from './script.js';

const turn = (said: string, overrides: Partial<ScriptContext> = {}): ScriptContext => ({
  round: 1,
  userMessages: [said],
  text: said,
  files: [],
  toolOutputs: [],
  instructions: '',
  tools: [],
  history: [],
  ...overrides,
});

const stepsFor = async (said: string, overrides?: Partial<ScriptContext>): Promise<readonly ScriptStep[]> =>
  (await playRound(demoScript, turn(said, overrides))).steps;

const textOf = (step: ScriptStep | undefined): string => (step?.type === 'text' ? step.chunks.join('') : '');

describe('the demo model', () => {
  it('plots with the code interpreter and a real PNG, then describes the chart', async () => {
    const [code, answer] = await stepsFor('plot y=x^2');
    if (code?.type !== 'code_interpreter') throw new Error('expected a code_interpreter step');
    expect(code.code).toContain('y = x**2');
    expect(code.images?.[0]?.mimeType).toBe('image/png');
    expect([...(code.images?.[0]?.bytes.subarray(1, 4) ?? [])]).toEqual([0x50, 0x4e, 0x47]);
    expect(textOf(answer)).toBe('Here is the plot of y = x^2 for x from -5 to 5.');
  });

  it('asks current_time for Tokyo when Tokyo is mentioned, else UTC, then quotes the result', async () => {
    expect(await stepsFor('what time is it in Tokyo?')).toEqual([
      { type: 'function_calls', calls: [{ name: 'current_time', arguments: { timezone: 'Asia/Tokyo' } }] },
    ]);
    expect(requestedTimezone('what time is it?')).toBe('UTC');
    const output = {
      callId: 'call_1',
      name: 'current_time',
      arguments: '{}',
      output: '{"timezone":"Asia/Tokyo","datetime":"2026-01-01T09:00:00+09:00","weekday":"Thursday"}',
    };
    const [answer] = await stepsFor('time', { round: 2, toolOutputs: [output] });
    expect(textOf(answer)).toBe('It is Thursday 2026-01-01T09:00:00+09:00 in Asia/Tokyo.');
    const [failure] = await stepsFor('time', {
      round: 2,
      toolOutputs: [{ ...output, output: 'Error: unknown zone' }],
    });
    expect(textOf(failure)).toBe('The time tool said: Error: unknown zone');
  });

  it('echoes anything else in chunks', async () => {
    const [step] = await stepsFor('hello world');
    expect(textOf(step)).toBe('You said: hello world');
    expect(step?.type === 'text' && step.chunks.length).toBeGreaterThan(1);
  });

  it('evaluates only harmless expressions', () => {
    expect(compileExpression('sin(x) + x^2')?.(0)).toBe(0);
    expect(compileExpression('process.exit(1)')).toBeUndefined();
    expect(compileExpression('constructor')).toBeUndefined();
    expect(plotExpression('plot y = 2*x + 1.')).toBe('2*x + 1');
    expect(plotExpression('please plot something nice')).toBe('x^2');
  });
});
