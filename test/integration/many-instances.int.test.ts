import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI, text } from '../../src/model-server/index.js';
import type { Store } from '../../src/store/types.js';
import { appMention, eventCallback, type FakeMessage, FakeSlack, MENTION } from '../fakes/slack/index.js';
import {
  eventually,
  flushRedis,
  type Instance,
  pick,
  sharedStore,
  startInstance,
  stopInstances,
  threadKey,
  uniqueEventId,
} from '../support/instances.js';

/**
 * Three real bot processes behind "a load balancer" (each event goes to a random one, and Slack's
 * retries of it to others) share one real Redis. Each follow-up is sent as soon as Slack's previous
 * delivery was acknowledged, as a fast typist (or a script) would: the message before it is then
 * often still on its way through another instance. Every message must be answered exactly once, in
 * the order Slack gave them, whichever instance received it.
 */

/** A Redis database of its own, emptied first: the processes' STORE_URL names it. */
const REDIS_URL = 'redis://127.0.0.1:6379/12';
const INSTANCES = 3;
const CONVERSATIONS = 4;
const MESSAGES_PER_CONVERSATION = 12;
/** The whole scenario is played this many times: order must hold in every one. */
const ROUNDS = 1;

let openai: FakeOpenAI;
let slack: FakeSlack;
let dir: string;
let store: Store;
const bots: Instance[] = [];

beforeAll(async () => {
  await flushRedis(REDIS_URL);
  // Slow enough that later messages of a conversation arrive while its run goes, at other instances.
  openai = await startFakeOpenAI({
    script: (ctx) => [text(`answer to ${ctx.userMessages.join(' & ')}`, { chunkSize: 6, delayMs: 15 })],
  });
  slack = await FakeSlack.start();
  dir = mkdtempSync(join(tmpdir(), 'many-'));
  const start = () =>
    startInstance({
      redisUrl: REDIS_URL,
      openaiUrl: openai.url,
      slackApiUrl: slack.apiUrl,
      cwd: dir,
      // One test user sends all of it, faster than the default per-user limit allows.
      env: { RATE_LIMIT_PER_USER_PER_MIN: '1000' },
    });
  bots.push(...(await Promise.all(Array.from({ length: INSTANCES }, start))));
  store = await sharedStore(REDIS_URL);
}, 60_000);

afterAll(async () => {
  await store?.close();
  await stopInstances(bots);
  await slack.close();
  await openai.close();
  rmSync(dir, { recursive: true, force: true });
  await flushRedis(REDIS_URL);
});

/** Sends one event to a random instance, and about half the time Slack's retry of it to another one. */
async function deliver(event: ReturnType<typeof appMention>): Promise<void> {
  const envelope = eventCallback(event, uniqueEventId());
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

async function playRound(round: number) {
  const conversations = await Promise.all(
    Array.from({ length: CONVERSATIONS }, async (_, c) => {
      const sent = [`r${round}c${c}m0`];
      const opening = appMention({ text: `${MENTION} ${sent[0]}` });
      const channel = String(opening.channel);
      const thread = String(opening.ts);
      await deliver(opening);
      // Once the thread is the bot's (a follow-up arriving before that makes the Slack adapter read
      // the thread's earlier messages first, a paced call that can hold it back for seconds: see
      // docs/many-instances.md), each follow-up goes as soon as the previous one was acknowledged.
      await eventually(() => store.follows.get(threadKey(channel, thread)), `thread ${thread} followed`);
      for (let m = 1; m < MESSAGES_PER_CONVERSATION; m++) {
        const label = `r${round}c${c}m${m}`;
        sent.push(label);
        await deliver(appMention({ text: `${MENTION} ${label}`, thread_ts: thread }));
      }
      return { channel, thread, sent };
    }),
  );
  for (const { channel, thread, sent } of conversations) {
    await slack.waitFor(() => answered(channel, thread).length >= sent.length, {
      // Slack's stream methods are paced at 20 a minute per instance: the answers queue behind them.
      timeoutMs: 60_000,
      what: `every message of thread ${thread} answered`,
    });
  }
  return conversations;
}

describe(`${INSTANCES} instances on one Redis, Slack in HTTP mode`, () => {
  it(`answer all ${CONVERSATIONS * MESSAGES_PER_CONVERSATION} messages exactly once, in Slack's order, whichever instance gets each (${ROUNDS} rounds)`, async () => {
    const rounds = [];
    for (let round = 0; round < ROUNDS; round++) rounds.push(await playRound(round));
    // Let any duplicate that was going to happen happen, then look.
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const conversations of rounds) {
      for (const { channel, thread, sent } of conversations) {
        expect(answered(channel, thread), `thread ${thread}`).toEqual(sent);
      }
    }
    // The work was shared: more than one instance answered (their logs name the runs they ran).
    const ran = bots.filter((bot) => /"msg":"run started"/.test(bot.process.output().stderr));
    expect(ran.length).toBeGreaterThan(1);
  }, 120_000);
});
