import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/types.js';
import { type FakeOpenAI, type ModelScript, startFakeOpenAI, text } from '../fakes/openai/index.js';
import {
  appMention,
  eventCallback,
  type FakeMessage,
  FakeSlack,
  MENTION,
  shownText,
} from '../fakes/slack/index.js';
import {
  eventually,
  flushRedis,
  type Instance,
  logLines,
  sharedStore,
  startInstance,
  stopInstances,
  threadKey,
  uniqueEventId,
} from '../support/instances.js';

/**
 * Two real bot processes on one Redis, with a short CONVERSATION_LEASE_MS. The one running an
 * answer is killed (SIGKILL: no shutdown code runs) and never comes back: the other one finishes the
 * interrupted answer in the message already posted (its Slack stream stopped, no stale "Working on
 * it…" line), then answers what came after, once and in order.
 */

const REDIS_URL = 'redis://127.0.0.1:6379/14';
const LEASE_MS = 1_500;
const CHANNEL = 'C0CHAN0001';
/** About 1.5 s of streaming: long enough to be killed in the middle. */
const ANSWER = Array.from(
  { length: 24 },
  (_, i) => `Sentence ${i + 1} of the long answer, still going.`,
).join(' ');

const script: ModelScript = (ctx) =>
  ctx.text.includes('long')
    ? [text(ANSWER, { chunkSize: 32, delayMs: 30 })]
    : [text(`answer to ${ctx.userMessages.join(' & ')}`)];

let openai: FakeOpenAI;
let slack: FakeSlack;
let dir: string;
let store: Store;
const bots: Instance[] = [];

const start = async () => {
  const bot = await startInstance({
    redisUrl: REDIS_URL,
    openaiUrl: openai.url,
    slackApiUrl: slack.apiUrl,
    cwd: dir,
    env: { CONVERSATION_LEASE_MS: String(LEASE_MS) },
  });
  bots.push(bot);
  return bot;
};

beforeAll(async () => {
  await flushRedis(REDIS_URL);
  openai = await startFakeOpenAI({ script });
  slack = await FakeSlack.start();
  dir = mkdtempSync(join(tmpdir(), 'many-takeover-'));
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

async function mention(at: Instance, words: string, thread?: string): Promise<string> {
  const event = appMention({ text: `${MENTION} ${words}`, ...(thread ? { thread_ts: thread } : {}) });
  expect((await at.sender.event(eventCallback(event, uniqueEventId()))).status).toBe(200);
  return thread ?? String(event.ts);
}

const messages = (thread: string) => slack.botMessages(CHANNEL, thread).filter((m) => !m.deleted);
const shown = (thread: string) => messages(thread).map(shownText);
const isAnswer = (m: FakeMessage) => shownText(m).startsWith('Sentence 1 ');

/** Starts the long answer at `at` and kills `at` in the middle of it. */
async function killMidAnswer(at: Instance, thread: string): Promise<number> {
  await slack.waitFor(() => messages(thread).some(isAnswer), { what: 'the first text of the answer' });
  // Killed once the run record says where the answer is (what a resume finishes in place).
  await eventually(async () => {
    const [record] = await store.runs.forConversation(threadKey(CHANNEL, thread));
    return Object.keys(record?.posted ?? {}).some((part) => part.startsWith('text'));
  }, 'the answer message in the run record');
  at.process.signal('SIGKILL');
  await at.process.exited;
  const killedAt = Date.now();
  const partial = messages(thread).find(isAnswer);
  expect(partial && shownText(partial), 'killed after the answer was complete').not.toBe(ANSWER);
  return killedAt;
}

/** The thread once everything is done: the whole answer in the first message, then the rest. */
async function settled(thread: string, rest: string[]): Promise<void> {
  await slack.waitFor(
    () =>
      shown(thread).join('\n') === [ANSWER, ...rest].join('\n') &&
      messages(thread).every((m) => m.stream !== 'streaming'),
    { what: `thread ${thread}: the whole answer, then ${rest.join(', ')}`, timeoutMs: 30_000 },
  );
}

describe('an instance killed mid-answer, on one Redis with another', () => {
  it('a message sent elsewhere once its lease ran out: the interrupted answer is finished first, then it is answered', async () => {
    const [a, b] = [await start(), await start()] as [Instance, Instance];
    const thread = await mention(a, 'tell me something long');
    const killedAt = await killMidAnswer(a, thread);
    // Once the dead instance's lease has run out, a new message in the thread reaches the live one.
    await eventually(
      async () => (await store.leases.holder(threadKey(CHANNEL, thread))) !== a.id,
      'the lease to run out',
    );
    await mention(b, 'and then?', thread);
    await settled(thread, ['answer to and then?']);
    console.log(`kill, then a message elsewhere: all answered ${Date.now() - killedAt} ms after the kill`);
    // One answer message (the one posted before the kill), finished in place; no stale working line.
    expect(messages(thread).filter(isAnswer)).toHaveLength(1);
    expect(shown(thread).some((t) => t.includes('Working on it'))).toBe(false);
  }, 60_000);

  it('with no new message, a live instance takes the conversation over within about one lease period', async () => {
    const [a, b] = [await start(), await start()] as [Instance, Instance];
    const thread = await mention(a, 'another long one please');
    await slack.waitFor(() => messages(thread).some(isAnswer), { what: 'the answer started' });
    // A message that reaches b while a runs the conversation is handed over to a.
    await mention(b, 'meanwhile', thread);
    await eventually(
      () => logLines(a, 'acted on a signal from another instance').length > 0,
      'the hand-over',
    );
    const killedAt = await killMidAnswer(a, thread);
    await settled(thread, ['answer to meanwhile']);
    // Whichever live instance got the lease first (the one of the test before is alive too).
    const tookOver = bots
      .filter((bot) => bot !== a)
      .flatMap((bot) => logLines(bot, 'resuming an unfinished run'))
      .find((line) => line.conversation === threadKey(CHANNEL, thread));
    expect(tookOver, 'a live instance resumed the run a left').toBeDefined();
    console.log(
      `no new message: resumed ${Number(tookOver?.time) - killedAt} ms after the kill (lease ${LEASE_MS} ms), all answered after ${Date.now() - killedAt} ms`,
    );
    expect(messages(thread).filter(isAnswer)).toHaveLength(1);
  }, 60_000);
});
