import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@keyv/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI, text } from '../../src/model-server/index.js';
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
import { type RunningEntryPoint, startEntryPoint } from '../support/spawn.js';
import { untilStatus } from '../support/until-status.js';

/**
 * Three real bot processes behind "a load balancer" (each event goes to a random one, and Slack's
 * retries of it to others) share one real Redis. Every message must be answered exactly once, in
 * order per conversation, whichever instance received it.
 */

/** A Redis database of its own, emptied first: the processes' STORE_URL names it. */
const REDIS_URL = 'redis://127.0.0.1:6379/9';
const INSTANCES = 3;
const CONVERSATIONS = 4;
const MESSAGES_PER_CONVERSATION = 4;

let openai: FakeOpenAI;
let slack: FakeSlack;
let dir: string;
const bots: { process: RunningEntryPoint; sender: SlackSender }[] = [];

async function flushRedis(): Promise<void> {
  const client = createClient({ url: REDIS_URL });
  await client.connect();
  await client.flushDb();
  await client.close();
}

async function startInstance(): Promise<{ process: RunningEntryPoint; sender: SlackSender }> {
  const port = await freePort();
  const bot = startEntryPoint('main.ts', {
    cwd: dir,
    env: {
      OPENAI_API_KEY: 'test-key',
      OPENAI_BASE_URL: openai.url,
      SLACK_BOT_TOKEN: FAKE_TEAM.botToken,
      SLACK_SIGNING_SECRET: FAKE_TEAM.signingSecret,
      SLACK_API_URL: slack.apiUrl,
      PORT: String(port),
      STORE_URL: REDIS_URL,
      LOG_LEVEL: 'info',
    },
  });
  const url = `http://127.0.0.1:${port}`;
  await untilStatus(`${url}/readyz`, 200, { timeoutMs: 30_000 }).catch((error: unknown) => {
    throw new Error(`an instance did not become ready:\n${bot.output().stderr}`, { cause: error });
  });
  return { process: bot, sender: new SlackSender(`${url}/slack/events`, FAKE_TEAM.signingSecret) };
}

beforeAll(async () => {
  await flushRedis();
  // Slow enough that later messages of a conversation arrive while its run goes, at other instances.
  openai = await startFakeOpenAI({
    script: (ctx) => [text(`answer to ${ctx.userMessages.join(' & ')}`, { chunkSize: 6, delayMs: 15 })],
  });
  slack = await FakeSlack.start();
  dir = mkdtempSync(join(tmpdir(), 'many-'));
  bots.push(...(await Promise.all(Array.from({ length: INSTANCES }, startInstance))));
}, 60_000);

afterAll(async () => {
  for (const bot of bots) bot.process.signal('SIGTERM');
  await Promise.all(bots.map((bot) => bot.process.exited));
  await slack.close();
  await openai.close();
  rmSync(dir, { recursive: true, force: true });
  await flushRedis();
});

const pick = <T>(items: readonly T[], not?: T): T => {
  const choices = items.filter((item) => item !== not);
  return choices[Math.floor(Math.random() * choices.length)] as T;
};

/** Sends one event to a random instance, and about half the time Slack's retry of it to another one. */
async function deliver(event: ReturnType<typeof appMention>): Promise<void> {
  const envelope = eventCallback(event);
  const first = pick(bots);
  expect((await first.sender.event(envelope)).status).toBe(200);
  if (Math.random() < 0.5) {
    expect((await pick(bots, first).sender.event(envelope, { retryNum: 1 })).status).toBe(200);
  }
}

/** The user messages the bot's answers in a thread cover, in the order the answers were posted. */
function answered(channel: string, thread: string): string[] {
  const shown = (m: FakeMessage) =>
    m.markdown ?? String((m.blocks?.[0] as { text?: string } | undefined)?.text ?? m.text ?? '');
  return slack
    .botMessages(channel, thread)
    .filter((m) => !m.deleted)
    .map(shown)
    .filter((t) => t.startsWith('answer to '))
    .flatMap((t) => t.slice('answer to '.length).split(' & '));
}

describe(`${INSTANCES} instances on one Redis, Slack in HTTP mode`, () => {
  it('answer every message exactly once, in order per conversation, whichever instance gets it', async () => {
    const conversations = await Promise.all(
      Array.from({ length: CONVERSATIONS }, async (_, c) => {
        const sent = [`c${c}m0`];
        const opening = appMention({ text: `${MENTION} ${sent[0]}` });
        const channel = String(opening.channel);
        const thread = String(opening.ts);
        await deliver(opening);
        for (let m = 1; m < MESSAGES_PER_CONVERSATION; m++) {
          await new Promise((resolve) => setTimeout(resolve, 40 + Math.random() * 120));
          const label = `c${c}m${m}`;
          sent.push(label);
          await deliver(appMention({ text: `${MENTION} ${label}`, thread_ts: thread }));
        }
        return { channel, thread, sent };
      }),
    );
    for (const { channel, thread, sent } of conversations) {
      await slack.waitFor(() => answered(channel, thread).length >= sent.length, {
        timeoutMs: 30_000,
        what: `every message of thread ${thread} answered`,
      });
    }
    // Let any duplicate that was going to happen happen, then look.
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const { channel, thread, sent } of conversations) {
      expect(answered(channel, thread), `thread ${thread}`).toEqual(sent);
    }
    // The work was shared: more than one instance answered (their logs name the runs they ran).
    const ran = bots.filter((bot) => /"msg":"run started"/.test(bot.process.output().stderr));
    expect(ran.length).toBeGreaterThan(1);
  }, 90_000);
});
