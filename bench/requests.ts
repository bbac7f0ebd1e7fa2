import type { BackendName } from '../src/backends/backend.js';
import {
  byRound,
  chartFile,
  codeInterpreter,
  type FakeOpenAI,
  functionCall,
  type ModelScript,
  text,
} from '../src/model-server/index.js';
import { SeedBot } from './baseline/seed-bot.js';
import { BenchBot } from './bot.js';
import { ConsoleTurns } from './drivers.js';
import { SHORT_ANSWER } from './latency.js';
import { requestsSince } from './model-time.js';
import { median, now } from './stats.js';

export type AnswerKind = 'plain' | 'image' | 'functions';

/** The model's behaviour for each kind of answer. */
export const ANSWER_SCRIPTS: Record<AnswerKind, ModelScript> = {
  plain: () => [text(SHORT_ANSWER, { chunkSize: 8, delayMs: 2 })],
  image: byRound([
    codeInterpreter({ code: 'plot(x, x**2)', images: [chartFile()] }),
    text('Here is the chart of y = x².', { chunkSize: 8, delayMs: 2 }),
  ]),
  functions: byRound(
    [functionCall('current_time', { timezone: 'UTC' })],
    [functionCall('current_time', { timezone: 'Asia/Tokyo' })],
    [text('It is evening in Tokyo.', { chunkSize: 8, delayMs: 2 })],
  ),
};

/** Requests per answer (median over the repeats) and what they were (the last repeat). */
export interface RequestFigures {
  median: number;
  calls: string[];
}

export type RequestsTable = Record<AnswerKind, RequestFigures>;

function summarise(counts: number[], calls: string[]): RequestFigures {
  return { median: median(counts), calls };
}

/**
 * Scenario 2 for one backend: requests the model service receives per answer, in a conversation that
 * already exists (one turn first creates it), through the console adapter.
 */
export async function requestsOn(
  backend: BackendName,
  openai: FakeOpenAI,
  repeats: number,
): Promise<RequestsTable> {
  const bot = await BenchBot.start({ backend, openai, console: true });
  const turns = new ConsoleTurns(bot);
  const result: Partial<RequestsTable> = {};
  try {
    for (const kind of Object.keys(ANSWER_SCRIPTS) as AnswerKind[]) {
      openai.setScript(ANSWER_SCRIPTS[kind]);
      const conversation = Object.keys(result).length;
      await turns.turn(conversation, 'start the conversation');
      await bot.idle();
      const counts: number[] = [];
      let calls: string[] = [];
      for (let i = 0; i < repeats; i++) {
        const since = now();
        await turns.turn(conversation, `a ${kind} answer`);
        await bot.idle();
        calls = requestsSince(openai, since);
        counts.push(calls.length);
      }
      result[kind] = summarise(counts, calls);
    }
  } finally {
    await bot.close();
  }
  return result as RequestsTable;
}

/** Scenario 2 for the seed's loop, same scripts, same kind of conversation. */
export async function requestsOfBaseline(openai: FakeOpenAI, repeats: number): Promise<RequestsTable> {
  const seed = await SeedBot.start(openai.url);
  const result: Partial<RequestsTable> = {};
  for (const kind of Object.keys(ANSWER_SCRIPTS) as AnswerKind[]) {
    openai.setScript(ANSWER_SCRIPTS[kind]);
    await seed.answer(kind, 'start the conversation', () => undefined);
    const counts: number[] = [];
    let calls: string[] = [];
    for (let i = 0; i < repeats; i++) {
      const since = now();
      await seed.answer(kind, `a ${kind} answer`, () => undefined);
      calls = requestsSince(openai, since);
      counts.push(calls.length);
    }
    result[kind] = summarise(counts, calls);
  }
  return result as RequestsTable;
}
