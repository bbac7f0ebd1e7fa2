import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerPlace } from '../../src/adapters/kit/chat-surface.js';
import { SlackApi } from '../../src/adapters/slack/slack-api.js';
import { SlackSurface } from '../../src/adapters/slack/slack-surface.js';
import { conversationKey } from '../../src/core/conversation.js';
import { silentLogger } from '../../src/core/logger.js';
import { FAKE_TEAM, FakeSlack } from '../fakes/slack/index.js';
import { freshTs } from '../fakes/slack/state.js';

/**
 * Keyed posts on Slack through the bot's own surface and the real WebClient against the fake: a
 * resumed answer about to post finds the message a process that died had posted under the same key
 * (its metadata, read once from the thread) and finishes it there; a new answer never reads the thread.
 */

const FAST = { perSecond: 1e6, burst: 1e6 };
const RATES = { tier2: FAST, tier3: FAST, tier4: FAST, postPerChannel: FAST, special: FAST };
const CHANNEL = 'C0KEYED001';

let fake: FakeSlack;

beforeAll(async () => {
  fake = await FakeSlack.start();
});

afterAll(async () => {
  await fake.close();
});

/** One process's view of a thread: its own client, API budgets and surface, nothing else shared. */
function processIn(thread: string): AnswerPlace {
  const client = new webApi.WebClient(FAKE_TEAM.botToken, {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
  });
  const surface = new SlackSurface({
    api: new SlackApi(client, RATES, silentLogger()),
    logger: silentLogger(),
    limits: { editIntervalMs: 1, maxUploadBytes: 1e9 },
    appendIntervalMs: 1,
  });
  const replyTo = { team: FAKE_TEAM.teamId, channel: CHANNEL, thread, user: 'U0USER0001' };
  const place = surface.place(replyTo, conversationKey('slack', FAKE_TEAM.teamId, CHANNEL, thread));
  if (!place) throw new Error('no place');
  return place;
}

/** A thread a user started. */
function newThread(): string {
  const ts = freshTs();
  fake.addUserMessage({ channel: CHANNEL, ts, user: 'U0USER0001', text: 'a question' });
  return ts;
}

const shown = (thread: string) =>
  fake.botMessages(CHANNEL, thread).map((m) => String((m.blocks?.[0] as { text?: unknown })?.text ?? m.text));
const reads = () => fake.callsOf('conversations.replies').length;

describe('keyed posts on Slack', () => {
  it('find the message an earlier process posted under the key, and finish it there', async () => {
    const thread = newThread();
    const tool = (text: string) => ({ kind: 'tool' as const, text, files: [] });
    const ts = await processIn(thread).post(tool('Running the code…'), 'update', { key: 'turn-1:tool:c1:0' });

    const resumed = processIn(thread);
    const before = reads();
    const again = await resumed.post(tool('Ran the code.'), 'update', {
      key: 'turn-1:tool:c1:0',
      mayExist: true,
    });
    expect(again).toBe(ts);
    // Another part of the same resumed answer: not there, so posted; the thread was read once.
    await resumed.post(tool('Second call.'), 'update', { key: 'turn-1:tool:c2:0', mayExist: true });
    expect(reads() - before).toBe(1);
    expect(shown(thread)).toEqual(['Ran the code.', 'Second call.']);
    expect(fake.violations).toEqual([]);
  });

  it('never read the thread for a new answer', async () => {
    const thread = newThread();
    const before = reads();
    const place = processIn(thread);
    await place.post({ kind: 'notice', text: 'one', tone: 'info' }, 'update', { key: 'turn-2:notice:0' });
    await place.post({ kind: 'tool', text: 'two', files: [] }, 'update', { key: 'turn-2:tool:c:0' });
    expect(reads()).toBe(before);
    expect(fake.botMessages(CHANNEL, thread).map((m) => m.metadata?.event_payload)).toEqual([
      { key: 'turn-2:notice:0' },
      { key: 'turn-2:tool:c:0' },
    ]);
  });

  it('find an answer text posted below the working line, rather than putting it in the line', async () => {
    const thread = newThread();
    const text = (t: string) => ({ kind: 'answer' as const, text: t });
    const first = processIn(thread);
    const journal = { posted: {}, record: () => undefined, answerId: 'turn-3' };
    const line = await first.indicator?.(journal).start();
    // Something below the line: the text can no longer go up into it, and gets a message of its own.
    await first.post({ kind: 'notice', text: 'a file', tone: 'file' }, 'update');
    const ts = await first.post(text('Sentence 1'), 'update', { key: 'turn-3:text:m:0' });

    // The new process takes over the working line (journaled), which could take the text: the
    // message found comes first.
    const resumed = processIn(thread);
    resumed.indicator?.({ ...journal, posted: { working: [String(line)] }, resumed: true });
    const again = await resumed.post(text('Sentence 1 and 2.'), 'final', {
      key: 'turn-3:text:m:0',
      mayExist: true,
    });
    expect(again).toBe(ts);
    expect(shown(thread).filter((t) => t.startsWith('Sentence'))).toEqual(['Sentence 1 and 2.']);
  });
});
