import { describe, expect, it } from 'vitest';
import {
  byRound,
  citation,
  echoScript,
  failed,
  functionCall,
  playRound,
  type ScriptContext,
  text,
} from './script.js';

const context = (overrides: Partial<ScriptContext> = {}): ScriptContext => ({
  round: 1,
  userMessages: ['hi'],
  text: 'hi',
  files: [],
  toolOutputs: [],
  instructions: '',
  tools: [],
  history: [],
  ...overrides,
});

describe('model scripts', () => {
  it('splits text into chunks of the given size', () => {
    expect(text('abcdefg', { chunkSize: 3 }).chunks).toEqual(['abc', 'def', 'g']);
    expect(text('').chunks).toEqual(['']);
  });

  it('accepts a plain list of steps or a round with usage', async () => {
    expect(await playRound(() => [text('a')], context())).toEqual({ steps: [text('a')] });
    const round = { steps: [text('a')], usage: { inputTokens: 3, outputTokens: 1 } };
    expect(await playRound(async () => round, context())).toBe(round);
  });

  it('refuses function calls or an ending that is not the last step', async () => {
    await expect(playRound(() => [functionCall('f', {}), text('after')], context())).rejects.toThrow(
      "a 'function_calls' step must be the last of its round",
    );
    await expect(playRound(() => [failed(), text('after')], context())).rejects.toThrow(
      "'end' step must be the last",
    );
  });

  it('refuses an annotation whose marker is not in the text', async () => {
    const step = text('no marker here', { annotations: [citation('【1:0†a】', 'file-1')] });
    await expect(playRound(() => [step], context())).rejects.toThrow('is not in the text');
  });

  it('plays rounds in order and repeats the last one', () => {
    const script = byRound([text('one')], ({ round }) => [text(`round ${round}`)]);
    const played = [1, 2, 3].map((round) => script(context({ round })));
    expect(played).toEqual([[text('one')], [text('round 2')], [text('round 3')]]);
  });

  it('echoes the turn by default', () => {
    expect(echoScript(context({ text: 'hello' }))).toEqual([text('You said: hello')]);
  });
});
