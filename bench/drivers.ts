import type { FakeDiscord } from '../test/fakes/discord/index.js';
import {
  appMention,
  channelMessage,
  eventCallback,
  type FakeSlack,
  MENTION,
  shownText,
  userTs,
} from '../test/fakes/slack/index.js';
import type { BenchBot } from './bot.js';
import { now } from './stats.js';

/** When a turn's platform event left the fake platform, and when its first answer text showed there. */
export interface TurnTimes {
  sentAt: number;
  visibleAt: number;
}

/** A person on one platform asking, in conversation `c`; the first turn of a conversation starts it. */
export interface TurnDriver {
  readonly name: 'console' | 'discord' | 'slack' | 'web';
  turn(c: number, text: string): Promise<TurnTimes>;
}

const TIMEOUT_MS = 60_000;

/** The console: one line per turn; `/reset` between conversations. */
export class ConsoleTurns implements TurnDriver {
  readonly name = 'console';
  private current = -1;

  constructor(private readonly bot: BenchBot) {}

  async turn(c: number, text: string): Promise<TurnTimes> {
    if (c !== this.current) {
      if (this.current !== -1) {
        const index = this.bot.consoleWrites.length;
        this.bot.typeLine('/reset');
        await this.bot.consoleWrite(index, (w) => w.text.includes('new conversation'));
      }
      this.current = c;
    }
    const index = this.bot.consoleWrites.length;
    const sentAt = now();
    this.bot.typeLine(text);
    const first = await this.bot.consoleWrite(index, (w) => w.text.trim().length > 0, TIMEOUT_MS);
    return { sentAt, visibleAt: first.at };
  }
}

/** Discord: a mention in #general opens the conversation's thread; later turns are said in the thread. */
export class DiscordTurns implements TurnDriver {
  readonly name = 'discord';
  private readonly threads = new Map<number, string>();

  constructor(
    private readonly fake: FakeDiscord,
    private readonly channelOf: (c: number) => string = () => fake.directory.general,
  ) {}

  async turn(c: number, text: string): Promise<TurnTimes> {
    const { fake } = this;
    const thread = this.threads.get(c);
    if (thread === undefined) {
      const sentAt = now();
      const message = fake.sendMessage({
        channelId: this.channelOf(c),
        authorId: fake.directory.alice,
        content: text,
        mention: true,
      });
      const visibleAt = await fake.waitFor(
        () => message.threadId !== undefined && fake.botMessages(message.threadId).length > 0 && now(),
        { timeoutMs: TIMEOUT_MS, what: 'the first answer text' },
      );
      this.threads.set(c, message.threadId ?? '');
      return { sentAt, visibleAt };
    }
    const before = fake.botMessages(thread).length;
    const sentAt = now();
    fake.sendMessage({ channelId: thread, authorId: fake.directory.alice, content: text });
    const visibleAt = await fake.waitFor(() => fake.botMessages(thread).length > before && now(), {
      timeoutMs: TIMEOUT_MS,
      what: 'the first answer text',
    });
    return { sentAt, visibleAt };
  }

  threadOf(c: number): string | undefined {
    return this.threads.get(c);
  }
}

/** Slack (HTTP mode, signed events): a mention in a channel; later turns in its thread, no mention. */
export class SlackTurns implements TurnDriver {
  readonly name = 'slack';
  private readonly threads = new Map<number, { channel: string; thread: string }>();

  constructor(
    private readonly bot: BenchBot,
    private readonly fake: FakeSlack,
    /** How an answer's text begins (to tell it from the working line). */
    private readonly answerStart: string,
    private readonly channelOf: (c: number) => string | undefined = () => undefined,
  ) {}

  /** The bot's answer messages in a conversation's thread. */
  answers(c: number): { channel: string; thread: string; count: number } | undefined {
    const where = this.threads.get(c);
    if (!where) return undefined;
    const count = this.fake
      .botMessages(where.channel, where.thread)
      .filter((m) => shownText(m).startsWith(this.answerStart)).length;
    return { ...where, count };
  }

  async turn(c: number, text: string): Promise<TurnTimes> {
    const before = this.answers(c)?.count ?? 0;
    let visible: Promise<number> | undefined;
    const sentAt = await this.deliver(c, text, () => {
      visible = this.fake.waitFor(() => (this.answers(c)?.count ?? 0) > before && now(), {
        timeoutMs: TIMEOUT_MS,
        what: 'the first answer text',
      });
    });
    return { sentAt, visibleAt: await (visible ?? Promise.reject(new Error('not delivered'))) };
  }

  /**
   * Delivers a person's message (a mention starting conversation `c`, or a reply in its thread) as
   * Slack does, signed; `beforeSend` runs just before. Resolves with when it was sent, once acknowledged.
   */
  async deliver(c: number, text: string, beforeSend: () => void = () => undefined): Promise<number> {
    const sender = this.bot.slackSender;
    if (!sender) throw new Error('the Slack adapter is not running');
    const where = this.threads.get(c);
    const ts = userTs();
    const channel = this.channelOf(c);
    const fields = {
      ts,
      ...(channel && { channel }),
      ...(where && { thread_ts: where.thread, channel: where.channel }),
    };
    const events = where
      ? [channelMessage({ text, ...fields })]
      : [
          appMention({ text: `${MENTION} ${text}`, ...fields }),
          channelMessage({ text: `${MENTION} ${text}`, ...fields }),
        ];
    const first = events[0] as Record<string, string>;
    const place = where ?? { channel: String(first.channel), thread: ts };
    this.threads.set(c, place);
    this.fake.addUserMessage({
      channel: place.channel,
      ts,
      user: String(first.user),
      text: String(first.text),
      ...(where && { thread_ts: where.thread }),
    });
    beforeSend();
    const sentAt = now();
    for (const event of events) {
      const response = await sender.event(eventCallback(event));
      if (response.status !== 200) throw new Error(`Slack event refused: HTTP ${response.status}`);
    }
    return sentAt;
  }
}
