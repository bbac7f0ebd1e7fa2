import { type FakeOpenAI, text, wait } from '../../src/model-server/index.js';
import { SHORT_ANSWER } from '../latency.js';
import { median, now, percentile } from '../stats.js';
import { SeedBot } from './seed-bot.js';
import { SEED_POLL_MS } from './seed-loop.js';

export interface BaselineLatency {
  turns: number;
  p50: number;
  p95: number;
}

/**
 * Scenario 5's added latency: the seed's loop answering plain-text turns, `concurrency` conversations
 * at a time (its 1 s polls, not the machine, are what it waits on), 5 turns per conversation. The seed
 * renders in memory, so this compares with the console adapter.
 *
 * What a poller adds depends on when the model's first token comes relative to its polls, so here the
 * model thinks for a time spread evenly over one poll interval (0-1000 ms, named in the question)
 * before the same answer as in our turns. That thinking time plus the fake's own overhead measured on
 * our streamed runs (`modelTtftMs`: without streaming it cannot be seen on the wire) is subtracted.
 */
export async function baselineLatency(
  openai: FakeOpenAI,
  turns: number,
  concurrency: number,
  modelTtftMs: number,
): Promise<BaselineLatency> {
  openai.setScript(({ text: said }) => [
    wait(Number(/think (\d+)/.exec(said)?.[1] ?? 0)),
    text(SHORT_ANSWER, { chunkSize: 8, delayMs: 2 }),
  ]);
  const seed = await SeedBot.start(openai.url);
  const added: number[] = [];
  let next = 0;
  const worker = async (w: number) => {
    for (;;) {
      const turn = next++;
      if (turn >= turns) return;
      // A low-discrepancy spread over the poll interval, the same in every run.
      const think = Math.floor(((turn * 0.618034) % 1) * SEED_POLL_MS);
      const sentAt = now();
      let visibleAt = Number.NaN;
      const conversation = `seed-${w}-${Math.floor(turn / (concurrency * 5))}`;
      await seed.answer(conversation, `question ${turn}, think ${think}`, () => {
        visibleAt = now();
      });
      added.push(visibleAt - sentAt - think - modelTtftMs);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  return { turns: added.length, p50: median(added), p95: percentile(added, 95) };
}
