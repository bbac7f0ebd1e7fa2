import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { SLACK_EVENTS_PATH } from '../src/adapters/slack/slack-adapter.js';
import { type FakeOpenAI, text } from '../src/model-server/index.js';
import {
  appMention,
  eventCallback,
  FAKE_TEAM,
  FakeSlack,
  MENTION,
  SlackSender,
} from '../test/fakes/slack/index.js';
import { until } from './pacing-discord.js';
import { PRODUCTION_NODE_FLAGS } from './production-flags.js';
import type { EntryKind } from './startup.js';
import { now, sleep } from './stats.js';

/** Scenario 4 at one concurrency level. */
export interface ScaleLevel {
  conversations: number;
  completed: number;
  /** From the first event sent to the last answer complete. */
  wallS: number;
  eventLoopDelayP99Ms: number;
  peakRssMb: number;
  /** RSS of the bot process before the load. */
  idleRssMb: number;
  /** CPU time the bot process used under the load, in seconds. */
  cpuS: number;
}

export interface ScaleFigures {
  tokensPerAnswer: number;
  tokensPerSecond: number;
  levels: ScaleLevel[];
  /**
   * Growth from the smallest to the largest level, per conversation added: a ratio of 1 is linear,
   * below 1 better than linear (time: wall time ratio / conversations ratio; memory: RSS above idle).
   */
  growth: { conversationsRatio: number; wallRatio: number; rssAboveIdleRatio: number; cpuRatio: number };
}

const ROOT = join(import.meta.dirname, '..');

interface ChildStats {
  eventLoopDelayP99Ms: number;
  peakRssMb: number;
  idleRssMb: number;
  cpuS: number;
}

function nextMessage<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message as T);
    };
    const onExit = (code: number | null) =>
      reject(new Error(`the bot process exited (${code}) before ${type}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** One level: a fresh bot process, `n` mentions at once, every answer streamed whole. */
async function level(openai: FakeOpenAI, n: number, tokens: number, entry: EntryKind): Promise<ScaleLevel> {
  const slack = await FakeSlack.start();
  // `dist`: compiled as production runs (`npm run bench` builds it), so tsx's own memory is not counted.
  const child = fork(join(ROOT, entry === 'dist' ? 'dist/bench/scale-bot.js' : 'bench/scale-bot.ts'), [], {
    execArgv: entry === 'dist' ? [...PRODUCTION_NODE_FLAGS] : ['--import', import.meta.resolve('tsx')],
    env: {
      ...process.env,
      BENCH_SCALE_SETUP: JSON.stringify({
        openaiUrl: openai.url,
        slackApiUrl: slack.apiUrl,
        slackHost: slack.host,
      }),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const { port } = await nextMessage<{ port: number }>(child, 'ready');
    const sender = new SlackSender(`http://127.0.0.1:${port}${SLACK_EVENTS_PATH}`, FAKE_TEAM.signingSecret);
    child.send({ type: 'start' });
    await nextMessage(child, 'started');
    const startedAt = now();
    const stops = () => slack.calls.filter((c) => c.method === 'chat.stopStream' && c.result.ok);
    await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const channel = `C0SCALE${String(i).padStart(5, '0')}`;
        const event = appMention({ text: `${MENTION} question ${i}`, channel });
        slack.addUserMessage({
          channel,
          ts: String(event.ts),
          user: String(event.user),
          text: String(event.text),
        });
        const response = await sender.event(eventCallback(event));
        if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
      }),
    );
    await until(() => stops().length >= n, 10 * 60_000, `${n} answers`);
    const wallS = ((stops().at(-1)?.at ?? Number.NaN) - startedAt) / 1000;
    child.send({ type: 'stop' });
    const stats = await nextMessage<ChildStats>(child, 'stats');
    const completed = slack.state.messages.filter(
      (m) => m.stream === 'stopped' && m.markdown !== undefined && m.markdown.split(/\s+/).length >= tokens,
    ).length;
    return {
      conversations: n,
      completed,
      wallS,
      eventLoopDelayP99Ms: stats.eventLoopDelayP99Ms,
      peakRssMb: stats.peakRssMb,
      idleRssMb: stats.idleRssMb,
      cpuS: stats.cpuS,
    };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.send({ type: 'close' });
    await Promise.race([exited, sleep(10_000)]);
    child.kill();
    await slack.close();
  }
}

/**
 * Scenario 4: 10, 100 and 1,000 conversations at once in one bot process (Slack adapter with its
 * budgets opened, Responses backend); each answer is `tokens` one-word tokens streamed at
 * `tokensPerSecond`, five tokens per delta. The fakes run in this process, the bot in a child.
 */
export async function measureScale(
  openai: FakeOpenAI,
  levels: readonly number[],
  tokens: number,
  tokensPerSecond: number,
  entry: EntryKind,
): Promise<ScaleFigures> {
  const answer = Array.from({ length: tokens }, (_, i) => `w${i % 100}`).join(' ');
  const perDelta = 5;
  const chunk = Math.ceil(answer.length / (tokens / perDelta));
  openai.setScript(() => [
    text(answer, { chunkSize: chunk, delayMs: Math.round((1000 * perDelta) / tokensPerSecond) }),
  ]);
  const results: ScaleLevel[] = [];
  for (const n of levels) results.push(await level(openai, n, tokens, entry));
  const first = results[0];
  const last = results.at(-1);
  const ratio = (a: number, b: number) => a / b;
  return {
    tokensPerAnswer: tokens,
    tokensPerSecond,
    levels: results,
    growth:
      first && last
        ? {
            conversationsRatio: ratio(last.conversations, first.conversations),
            wallRatio: ratio(last.wallS, first.wallS),
            rssAboveIdleRatio: ratio(last.peakRssMb - last.idleRssMb, first.peakRssMb - first.idleRssMb),
            cpuRatio: ratio(last.cpuS, first.cpuS),
          }
        : {
            conversationsRatio: Number.NaN,
            wallRatio: Number.NaN,
            rssAboveIdleRatio: Number.NaN,
            cpuRatio: Number.NaN,
          },
  };
}
