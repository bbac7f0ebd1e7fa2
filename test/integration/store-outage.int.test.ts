import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { USER_MESSAGES } from '../../src/core/errors.js';
import { type FakeOpenAI, startFakeOpenAI, text } from '../fakes/openai/index.js';
import {
  appMention,
  eventCallback,
  FAKE_TEAM,
  type FakeMessage,
  FakeSlack,
  MENTION,
  SlackSender,
} from '../fakes/slack/index.js';
import { freePort } from '../support/free-port.js';
import { PrivateRedis } from '../support/private-redis.js';
import { type RunningEntryPoint, startEntryPoint } from '../support/spawn.js';
import { untilStatus } from '../support/until-status.js';

/**
 * `npm start` on Redis (STORE_URL) with Slack in HTTP mode, and the Redis server stopped and started
 * again under it: a private redis-server without persistence, so a restart also loses every key, as
 * such a Redis does. Nothing a user sends meanwhile may go unanswered, and nothing may be answered twice.
 */

let openai: FakeOpenAI;
let slack: FakeSlack;
let redis: PrivateRedis;
let dir: string;
let bot: RunningEntryPoint | undefined;

beforeAll(async () => {
  // The first question's answer streams for a few seconds: long enough to stop Redis in the middle of it.
  openai = await startFakeOpenAI({
    script: (ctx) => {
      // The last line of each message: a thread the bot no longer finds followed (Redis lost its
      // data) gets the thread's earlier messages put before the question.
      const asked = ctx.userMessages.map((m) => m.split('\n').at(-1));
      const answer = `answer to ${asked.join(' & ')}`;
      return asked.includes('first')
        ? [text(`${answer}. ${'More words for a long answer. '.repeat(6)}`, { chunkSize: 6, delayMs: 60 })]
        : [text(answer)];
    },
  });
  slack = await FakeSlack.start();
  redis = await PrivateRedis.start();
  dir = mkdtempSync(join(tmpdir(), 'outage-'));
}, 30_000);

afterEach(async () => {
  bot?.signal('SIGTERM');
  await bot?.exited;
  bot = undefined;
  await redis.restart().catch(() => undefined);
});

afterAll(async () => {
  await redis.stop();
  await slack.close();
  await openai.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the bot on the private Redis; resolves once /readyz answers 200. */
async function startBot(env: Record<string, string>): Promise<{ base: string; sender: SlackSender }> {
  const port = await freePort();
  bot = startEntryPoint('main.ts', {
    cwd: dir,
    env: {
      OPENAI_API_KEY: 'test-key',
      OPENAI_BASE_URL: openai.url,
      SLACK_BOT_TOKEN: FAKE_TEAM.botToken,
      SLACK_SIGNING_SECRET: FAKE_TEAM.signingSecret,
      SLACK_API_URL: slack.apiUrl,
      PORT: String(port),
      STORE_URL: redis.url,
      LOG_LEVEL: 'debug',
      ...env,
    },
  });
  const base = `http://127.0.0.1:${port}`;
  const running = bot;
  await untilStatus(`${base}/readyz`, 200, { timeoutMs: 30_000 }).catch((error: unknown) => {
    throw new Error(`the bot did not become ready:\n${running.output().stderr}`, { cause: error });
  });
  return { base, sender: new SlackSender(`${base}/slack/events`, FAKE_TEAM.signingSecret) };
}

/** Waits until the bot's log has a line matching `pattern` (a process raises no event to await). */
async function untilLogged(pattern: RegExp, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(bot?.output().stderr ?? '')) {
    if (Date.now() > deadline) {
      throw new Error(`no log line matching ${pattern} within ${timeoutMs} ms:\n${bot?.output().stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const shown = (m: FakeMessage) =>
  m.markdown ?? String((m.blocks?.[0] as { text?: string } | undefined)?.text ?? m.text ?? '');

/** The bot's messages in a thread that are answers to `question` (final or still streaming). */
const answersTo = (channel: string, thread: string, question: string) =>
  slack
    .botMessages(channel, thread)
    .filter((m) => !m.deleted && shown(m).startsWith(`answer to ${question}`));

describe('a Redis store stopped and started under a running bot', () => {
  it('answers every message once through a blink: held while Redis is down, /readyz failing, and taken when it is back', async () => {
    const { base, sender } = await startBot({ STORE_RETRY_MS: '1000', STORE_HOLD_MS: '60000' });
    const first = appMention({ text: `${MENTION} first` });
    const channel = String(first.channel);
    const thread = String(first.ts);
    const firstEnvelope = eventCallback(first);
    expect((await sender.event(firstEnvelope)).status).toBe(200);
    await slack.waitFor(() => answersTo(channel, thread, 'first').length > 0, {
      timeoutMs: 15_000,
      what: 'the first answer to start streaming',
    });

    // Redis goes away in the middle of that answer.
    await redis.stop();
    await untilStatus(`${base}/readyz`, 503, { timeoutMs: 10_000 });
    const second = appMention({ text: `${MENTION} second`, thread_ts: thread });
    expect((await sender.event(eventCallback(second))).status).toBe(200);
    // Slack delivers the first message again meanwhile (as it does when an ack is late).
    expect((await sender.event(firstEnvelope, { retryNum: 1 })).status).toBe(200);
    await untilLogged(/the store cannot be reached: holding a message until it is back/);
    expect(answersTo(channel, thread, 'second')).toEqual([]);

    await redis.restart();
    await untilStatus(`${base}/readyz`, 200, { timeoutMs: 15_000 });
    await slack.waitFor(() => answersTo(channel, thread, 'second').length > 0, {
      timeoutMs: 20_000,
      what: 'the held message answered once Redis is back',
    });
    // The redelivered first message was seen as what it is (it is taken after the held one).
    await untilLogged(new RegExp(`"kind":"app_mention","outcome":"duplicate","ts":"${thread}"`));
    await slack.waitFor(
      () =>
        answersTo(channel, thread, 'first').some(
          (m) => m.stream !== 'streaming' && shown(m).trim().endsWith('long answer.'),
        ),
      { timeoutMs: 15_000, what: 'the first answer finished' },
    );

    expect(answersTo(channel, thread, 'first')).toHaveLength(1);
    expect(answersTo(channel, thread, 'second')).toHaveLength(1);
    expect(shown(answersTo(channel, thread, 'second')[0] as FakeMessage)).toBe('answer to second');
    expect(slack.botMessages(channel, thread).map(shown)).not.toContain(USER_MESSAGES.message_not_taken);
  }, 90_000);

  it('tells the user to send the message again when Redis stays away longer than STORE_HOLD_MS', async () => {
    const { base, sender } = await startBot({ STORE_RETRY_MS: '300', STORE_HOLD_MS: '1500' });
    await redis.stop();
    await untilStatus(`${base}/readyz`, 503, { timeoutMs: 10_000 });
    const question = appMention({ text: `${MENTION} are you there?` });
    const channel = String(question.channel);
    const thread = String(question.ts);
    expect((await sender.event(eventCallback(question))).status).toBe(200);
    const told = await slack.waitFor(
      () => slack.botMessages(channel, thread).find((m) => m.text === USER_MESSAGES.message_not_taken),
      { timeoutMs: 20_000, what: 'the short "send it again" line in the thread' },
    );
    expect(told.text).toBe("I can't take messages right now; please send it again in a minute.");

    await redis.restart();
    await untilStatus(`${base}/readyz`, 200, { timeoutMs: 15_000 });
    expect(slack.botMessages(channel, thread).map(shown)).toEqual([told.text]);
  }, 60_000);
});
