import { describe, expect, it } from 'vitest';
import { replyWith } from '../../src/model-server/index.js';
import { SlackBot, shownText } from '../fakes/slack/index.js';

const CHANNEL = 'C0CHAN0001';
const FLOODER = 'U0FLOOD001';
const OTHER = 'U0OTHER001';

const notices = (bot: SlackBot) =>
  bot.slack.state.messages.filter((m) => !m.deleted && /faster than I can answer/.test(shownText(m)));

describe('Slack: the per-user limit notice once per minute', () => {
  it('posts the notice in the channel once; later refused messages get an ephemeral reply', async () => {
    const bot = await SlackBot.start({
      core: { limits: { perUserPerMinute: 1, dailyTokensPerUser: 0, dailyTokensPerConversation: 0 } },
    });
    try {
      bot.core.fake.setScript(replyWith('Answered.'));
      await bot.mention('one', { user: FLOODER });
      await bot.answers(1);
      const refused: string[] = [];
      for (const n of [2, 3, 4]) {
        refused.push((await bot.mention(`message ${n}`, { user: FLOODER })).thread);
        await bot.answers(n);
      }
      expect(notices(bot)).toHaveLength(1);
      const ephemeral = bot.slack.state.ephemeral;
      expect(ephemeral.map((e) => e.user)).toEqual([FLOODER, FLOODER]);
      expect(ephemeral.every((e) => /faster than I can answer/.test(JSON.stringify(e.blocks)))).toBe(true);
      // The ephemeral replies are in the refused messages' threads, where the user looks.
      expect(ephemeral.map((e) => e.thread_ts)).toEqual(refused.slice(1));
      expect(notices(bot)[0]?.thread_ts).toBe(refused[0]);
      expect(bot.slack.violations).toEqual([]);
    } finally {
      await bot.close();
    }
  });
});

describe('Slack: fair share of a channel’s budget', () => {
  it('serves another user’s answer before the rest of one user’s flood of questions', async () => {
    // A post a second in the channel; no stream turns, so every answer's text goes by posts and updates.
    const bot = await SlackBot.start({
      rates: { tier2: { perSecond: 0.001, burst: 0 }, postPerChannel: { perSecond: 1, burst: 1 } },
    });
    try {
      bot.slack.enforceRate('chat.postMessage', { perSecond: 2, burst: 1, perChannel: true });
      bot.core.fake.setScript(replyWith('An answer.', { chunkSize: 4, delayMs: 50 }));
      for (let n = 1; n <= 8; n++) await bot.mention(`flood ${n}`, { user: FLOODER });
      const askedAt = Date.now();
      const other = await bot.mention('my own question', { user: OTHER });
      await bot.answers(9, 30_000);
      const posts = bot.slack
        .callsOf('chat.postMessage')
        .filter((c) => c.args.channel === CHANNEL && c.at >= askedAt);
      const firstForOther = posts.findIndex((c) => c.args.thread_ts === other.thread);
      // The flood's posts were all queued before the other user asked; without fair share the other
      // user's post would come after them, last. It comes before most of them.
      const floodAfter = posts.filter((c, i) => i > firstForOther && c.args.thread_ts !== other.thread);
      expect(firstForOther).toBeGreaterThanOrEqual(0);
      expect(floodAfter.length).toBeGreaterThan(firstForOther);
      expect(bot.slack.botMessages(CHANNEL, other.thread).map(shownText)).toEqual(['An answer.']);
      expect(bot.slack.calls.filter((c) => c.status === 429)).toEqual([]);
    } finally {
      await bot.close();
    }
  });
});
