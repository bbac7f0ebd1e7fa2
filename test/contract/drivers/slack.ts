import type { FakeOpenAI } from '../../../src/model-server/index.js';
import {
  appMention,
  approvalAction,
  channelMessage,
  eventCallback,
  type FakeMessage,
  MENTION,
  SLACK_LIMITS,
  SlackBot,
  shownText,
} from '../../fakes/slack/index.js';
import type {
  AdapterDriver,
  Conversation,
  DriverOptions,
  FileInput,
  Person,
  PlatformDriver,
  Shown,
} from './driver.js';
import { shownOf } from './driver.js';

type Json = Record<string, unknown>;

/** How Slack's requests reach the app: signed HTTP requests, or envelopes over Socket Mode. */
export interface SlackTransport {
  /** Socket Mode (an app token) instead of HTTP mode. */
  socketMode: boolean;
  /** An Events API callback; `retry` > 0 is Slack delivering it again. Resolves once acknowledged. */
  event(bot: SlackBot, envelope: Json, retry: number): Promise<void>;
  /** A button press (`block_actions`). Resolves once acknowledged. */
  action(bot: SlackBot, payload: Json): Promise<void>;
}

const CHANNEL = 'C0CHAN0001';
const PEOPLE: Record<Person, string> = {
  asker: 'U0USER0001',
  stranger: 'U0STRANGE1',
  approver: 'U0BOSS0001',
};

/** Slack: a mention is answered in the message's thread; `transport` says how Slack reaches the app. */
export function slackDriver(name: string, transport: SlackTransport): PlatformDriver {
  return {
    name,
    cannot: {},
    messageLength: SLACK_LIMITS.markdown,
    async start(options: DriverOptions): Promise<AdapterDriver> {
      const bot = await SlackBot.start({
        socketMode: transport.socketMode,
        approverUsers: [PEOPLE.approver],
        ...(options.toolDisplay && { toolDisplay: options.toolDisplay }),
        ...(options.maxAttachmentBytes !== undefined && { maxAttachmentBytes: options.maxAttachmentBytes }),
        core: {
          ...(options.tools && { tools: options.tools }),
          ...(options.approvalTimeoutMs !== undefined && { approvalTimeoutMs: options.approvalTimeoutMs }),
          ...(options.limits && { limits: options.limits }),
        },
      });
      return new SlackDriver(bot, transport);
    },
  };
}

class SlackDriver implements AdapterDriver {
  constructor(
    readonly bot: SlackBot,
    private readonly transport: SlackTransport,
  ) {}

  get model(): FakeOpenAI {
    return this.bot.core.fake;
  }

  mention(who: Person): string {
    return `<@${PEOPLE[who]}>`;
  }

  async ask(text: string, options: { files?: readonly FileInput[] } = {}): Promise<Conversation> {
    const files = (options.files ?? []).map((f) =>
      this.bot.slack.shareFile({
        name: f.name,
        bytes: f.bytes,
        mimetype: f.mimeType,
        ...(f.declaredSize !== undefined && { declaredSize: f.declaredSize }),
      }),
    );
    const fields = { text: `${MENTION} ${text}`, ...(files.length > 0 && { files }) };
    const mention = appMention(fields);
    const ts = String(mention.ts);
    const envelope = await this.deliver(mention);
    // Slack sends a `message` event for the same message too.
    await this.deliver(channelMessage({ ...fields, ts }));
    await this.taken(ts);
    return new SlackConversation(this, ts, envelope);
  }

  /** Records a person's message in the fake workspace (conversations.replies lists it) and sends the event. */
  async deliver(event: Json): Promise<Json> {
    const { ts, thread_ts, text } = event as Record<string, string>;
    if (ts && !this.bot.slack.state.find(CHANNEL, ts)) {
      this.bot.slack.addUserMessage({
        channel: CHANNEL,
        ts,
        user: String(event.user),
        text: text ?? '',
        ...(thread_ts && { thread_ts }),
      });
    }
    const envelope = eventCallback(event);
    await this.transport.event(this.bot, envelope, 0);
    return envelope;
  }

  /** Slack delivers the same envelope again. */
  resend(envelope: Json): Promise<void> {
    return this.transport.event(this.bot, envelope, 1);
  }

  taken(ts: string): Promise<unknown> {
    return this.waitFor(() => this.bot.submissions.some((s) => s.message.id === ts), `message ${ts} taken`);
  }

  /**
   * Resolves once the adapter has dealt with more than `count` requests of `kind` (for message `ts`).
   * Slack hears back before the work is done (events are acknowledged first, and a duplicate or a
   * `!cancel` shows nothing), so the adapter's `onHandled` report is what says it is done.
   */
  handled(kind: string, count: number, ts?: string): Promise<unknown> {
    return this.waitFor(() => this.handledCount(kind, ts) > count, `${kind} handled`);
  }

  handledCount(kind: string, ts?: string): number {
    return this.bot.handled.filter((h) => h.kind === kind && (ts === undefined || h.ts === ts)).length;
  }

  async restart(): Promise<void> {
    await this.bot.restartAdapter();
    if (this.transport.socketMode)
      await this.waitFor(() => this.bot.slack.socket.connections === 1, 'one Socket Mode connection');
  }

  waitFor<T>(probe: () => T | undefined | null | false, what: string): Promise<T> {
    return this.bot.slack.waitFor(probe, { what, timeoutMs: 10_000 });
  }

  idle(): Promise<void> {
    return this.bot.core.orchestrator.idle();
  }

  downloads(name: string): number {
    return this.bot.slack.files.requests.filter((r) => decodeURIComponent(r.path).endsWith(`/${name}`))
      .length;
  }

  brokenRules(): string[] {
    const { slack } = this.bot;
    return [
      ...slack.violations,
      ...slack.calls.filter((c) => !c.result.ok).map((c) => `${c.method} was refused: ${c.result.error}`),
      ...slack.state.messages
        .filter((m) => m.stream === 'streaming' && !m.deleted)
        .map((m) => `message ${m.ts} was left streaming`),
    ];
  }

  close(): Promise<void> {
    return this.bot.close();
  }

  /** Presses a button as `user`; resolves with what the bot told them privately, if anything. */
  async press(actionId: 'threadloom_approve' | 'threadloom_deny', value: string, user: string) {
    const url = this.bot.slack.responseUrl();
    const before = this.handledCount(`action:${actionId}`);
    await this.transport.action(
      this.bot,
      approvalAction({ actionId, value, response_url: url, user, channel: CHANNEL }),
    );
    await this.handled(`action:${actionId}`, before);
    const reply = this.bot.slack.responses.find((r) => url.endsWith(`/${r.id}`));
    if (reply === undefined) return undefined;
    if (reply.body.response_type !== 'ephemeral')
      throw new Error(`a click was answered in public: ${reply.body.text}`);
    return String(reply.body.text);
  }
}

type Block = { type: string; text?: { text?: string }; elements?: { text?: string; value?: string }[] };
const blocksOf = (m: FakeMessage) => (m.blocks ?? []) as unknown as Block[];
const isPrompt = (m: FakeMessage) => blocksOf(m).some((b) => b.type === 'section');
const isOpen = (m: FakeMessage) => blocksOf(m).some((b) => b.type === 'actions');

class SlackConversation implements Conversation {
  constructor(
    private readonly driver: SlackDriver,
    private readonly thread: string,
    /** The last message's envelope here, for a redelivery. */
    private last: Json,
  ) {}

  private messages(): FakeMessage[] {
    return this.driver.bot.slack.botMessages(CHANNEL, this.thread);
  }

  shown(): Shown {
    const messages = this.messages();
    return shownOf(
      messages.map((m) => ({
        text: shownText(m),
        files: (m.files ?? []).map((f) => ({ name: f.name, bytes: f.bytes ?? new Uint8Array() })),
      })),
      messages.filter(isPrompt).map((m) => ({
        text: blocksOf(m)
          .flatMap((b) => [
            b.text?.text,
            ...(b.type === 'context' ? (b.elements ?? []).map((e) => e.text) : []),
          ])
          .filter((t) => t !== undefined)
          .join('\n'),
        open: isOpen(m),
      })),
    );
  }

  /** A message in the thread: the bot follows its threads, no mention needed. */
  private async send(text: string): Promise<string> {
    const message = channelMessage({ text, thread_ts: this.thread });
    this.last = await this.driver.deliver(message);
    return String(message.ts);
  }

  async say(text: string): Promise<void> {
    await this.driver.taken(await this.send(text));
  }

  /** Slash commands do not work in threads: `!cancel` does. */
  async cancel(): Promise<void> {
    await this.driver.handled('message', 0, await this.send('!cancel'));
  }

  async reset(): Promise<string> {
    await this.driver.handled('message', 0, await this.send('!reset'));
    return shownText(this.messages().at(-1) ?? { text: '' });
  }

  async decide(approve: boolean, who: Person): Promise<string | undefined> {
    const prompt = this.messages().find((m) => isPrompt(m) && isOpen(m));
    const value = blocksOf(prompt ?? ({} as FakeMessage))
      .flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []))
      .find((e) => e.value !== undefined)?.value;
    if (value === undefined) throw new Error('no approval prompt is open');
    return this.driver.press(approve ? 'threadloom_approve' : 'threadloom_deny', value, PEOPLE[who]);
  }

  /** Slack sends the last event again (X-Slack-Retry-Num, or a Socket Mode retry_attempt). */
  async redeliver(): Promise<void> {
    const event = this.last.event as Json;
    const kind = String(event.type);
    const ts = String(event.ts);
    const before = this.driver.handledCount(kind, ts);
    await this.driver.resend(this.last);
    await this.driver.handled(kind, before, ts);
  }
}
