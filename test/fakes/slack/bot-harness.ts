import type { AdapterOrchestrator } from '../../../src/adapters/adapter.js';
import type { SlackConfig } from '../../../src/adapters/slack/config.js';
import type { HandledEvent } from '../../../src/adapters/slack/listeners.js';
import {
  createSlackAdapter,
  SLACK_EVENTS_PATH,
  type SlackAdapter,
} from '../../../src/adapters/slack/slack-adapter.js';
import type { SlackRates } from '../../../src/adapters/slack/slack-api.js';
import type { BackendName } from '../../../src/backends/backend.js';
import type { Allowlist, ToolDisplay } from '../../../src/config/types.js';
import type { ConversationKey } from '../../../src/core/conversation.js';
import { createLogger } from '../../../src/core/logger.js';
import type { InboundMessage } from '../../../src/core/messages.js';
import type { Metrics } from '../../../src/core/metrics.js';
import type { ModelScript } from '../../../src/model-server/index.js';
import { Harness, type HarnessOptions } from '../../contract/harness.js';
import { FakeSlack } from './fake-slack.js';
import {
  appMention,
  channelMessage,
  dmMessage,
  eventCallback,
  MENTION,
  type MessageFields,
} from './payloads.js';
import { type SentRequest, type SignOptions, SlackSender } from './sender.js';
import { FAKE_TEAM } from './state.js';

/** Generous budgets: tests about pacing set their own. */
const LOOSE_RATES: SlackRates = {
  tier2: { perSecond: 1000, burst: 1000 },
  tier3: { perSecond: 1000, burst: 1000 },
  tier4: { perSecond: 1000, burst: 1000 },
  postPerChannel: { perSecond: 1000, burst: 1000 },
  special: { perSecond: 1000, burst: 1000 },
};

export interface SlackBotOptions {
  allow?: Partial<Allowlist>;
  toolDisplay?: ToolDisplay;
  maxAttachmentBytes?: number;
  /** Socket Mode (an app token) instead of HTTP mode. */
  socketMode?: boolean;
  updateIntervalMs?: number;
  /** SLACK_APPROVER_USERS. */
  approverUsers?: readonly string[];
  appendIntervalMs?: number;
  rates?: Partial<SlackRates>;
  script?: ModelScript;
  core?: HarnessOptions;
  /** The model-service API the core speaks (default: Assistants). */
  backend?: BackendName;
  /** Log to standard error at this level (default silent), when a test needs to be debugged. */
  logLevel?: string;
  /** The Web API client's retries of 5xx and network errors (default 0: a test about them sets it). */
  webApiRetries?: number;
  /** Where rendering reports (strategies, how soon text showed, budget waits). */
  metrics?: Metrics;
}

/** One submitted message and what the orchestrator said. */
export interface Submission {
  message: InboundMessage;
  outcome: string;
}

function expect200(response: SentRequest): void {
  if (response.status !== 200) throw new Error(`the bot answered HTTP ${response.status}: ${response.body}`);
}

interface Watched {
  submissions: Submission[];
  handled: HandledEvent[];
  rendered: Readonly<Record<string, string>>[];
  /** Types of the events the adapter dropped (`onDroppedEvent`). */
  dropped: string[];
}

/**
 * The whole bot as it runs, against fakes: the fake OpenAI server, the real Assistants backend,
 * orchestrator and SQLite store (test/contract/harness.ts), the real Slack adapter (Bolt, its HTTP
 * receiver on 127.0.0.1 or Socket Mode) and the fake Slack. The orchestrator is watched (what was
 * submitted, which answers finished rendering) so tests wait on facts, never on time.
 */
export class SlackBot {
  readonly submissions: Submission[];
  readonly handled: HandledEvent[];
  readonly rendered: Readonly<Record<string, string>>[];
  readonly dropped: string[];

  private constructor(
    readonly core: Harness,
    readonly slack: FakeSlack,
    private current: SlackAdapter,
    watched: Watched,
    /** Builds another adapter like the first, on the same fake and core. */
    private readonly build: () => SlackAdapter,
  ) {
    this.submissions = watched.submissions;
    this.handled = watched.handled;
    this.rendered = watched.rendered;
    this.dropped = watched.dropped;
  }

  /** The adapter under test (a new one after `restartAdapter`). */
  get adapter(): SlackAdapter {
    return this.current;
  }

  /** Sends signed requests to the adapter's HTTP receiver (HTTP mode). */
  get sender(): SlackSender {
    const port = this.current.address?.port ?? 0;
    return new SlackSender(`http://127.0.0.1:${port}${SLACK_EVENTS_PATH}`, FAKE_TEAM.signingSecret);
  }

  /** Stops the adapter and starts a new one on the same store, as a restarted process would. */
  async restartAdapter(): Promise<void> {
    await this.current.stop();
    this.current = this.build();
    await this.current.start();
  }

  static async start(options: SlackBotOptions = {}): Promise<SlackBot> {
    const core = await Harness.start(options.backend ?? 'assistants', options.core);
    if (options.script) core.fake.setScript(options.script);
    const slack = await FakeSlack.start();
    const watched: Watched = { submissions: [], handled: [], rendered: [], dropped: [] };
    const orchestrator: AdapterOrchestrator = {
      registerRenderer: (platform, renderer) =>
        core.orchestrator.registerRenderer(platform, {
          render: async (replyTo, events, journal) => {
            try {
              await renderer.render(replyTo, events, journal);
            } finally {
              watched.rendered.push({ ...replyTo });
              slack.notify();
            }
          },
        }),
      submit: async (message) => {
        const outcome = await core.orchestrator.submit(message);
        watched.submissions.push({ message, outcome });
        slack.notify();
        return outcome;
      },
      cancel: (key) => core.orchestrator.cancel(key),
      reset: (key) => core.orchestrator.reset(key),
      isBusy: (key) => core.orchestrator.isBusy(key),
      decide: (approvalId, decider) => core.orchestrator.decide(approvalId, decider),
    };
    const config: SlackConfig = {
      botToken: FAKE_TEAM.botToken,
      signingSecret: FAKE_TEAM.signingSecret,
      appToken: options.socketMode ? FAKE_TEAM.appToken : undefined,
      apiUrl: slack.apiUrl,
      allow: { spaces: [], channels: [], roles: [], users: [], ...options.allow },
      updateIntervalMs: options.updateIntervalMs ?? 20,
      approverUsers: options.approverUsers ?? [],
    };
    const build = () =>
      createSlackAdapter(config, {
        port: 0,
        host: '127.0.0.1',
        toolDisplay: options.toolDisplay ?? 'full',
        maxAttachmentBytes: options.maxAttachmentBytes ?? 1024 * 1024,
        deps: {
          orchestrator,
          store: core.store,
          logger: createLogger(options.logLevel ?? 'silent'),
          ...(options.metrics && { metrics: options.metrics }),
        },
        fileHosts: [slack.host],
        rates: { ...LOOSE_RATES, ...options.rates },
        webApiRetries: options.webApiRetries ?? 0,
        appendIntervalMs: options.appendIntervalMs ?? 20,
        onHandled: (event) => {
          watched.handled.push(event);
          slack.notify();
        },
        onDroppedEvent: (type) => {
          watched.dropped.push(type);
          slack.notify();
        },
      });
    const adapter = build();
    await adapter.start();
    return new SlackBot(core, slack, adapter, watched, build);
  }

  /**
   * Delivers an event as Slack does (signed), after recording a user's message in the fake workspace
   * so that conversations.replies lists it.
   */
  async deliver(
    event: Record<string, unknown>,
    options: SignOptions & { eventId?: string } = {},
  ): Promise<SentRequest> {
    if ((event.type === 'message' || event.type === 'app_mention') && event.subtype === undefined) {
      const { channel, ts, thread_ts, user, text } = event as Record<string, string>;
      if (channel && ts && user && !this.slack.state.find(channel, ts)) {
        this.slack.addUserMessage({
          channel,
          ts,
          user,
          text: text ?? '',
          ...(thread_ts ? { thread_ts } : {}),
        });
      }
    }
    return this.sender.event(eventCallback(event, options.eventId), options);
  }

  /**
   * A user mentions the bot in a channel: Slack sends both `app_mention` and `message` for it.
   * Resolves with the message's ts and the thread the answer goes to.
   */
  async mention(
    text: string,
    fields: Omit<MessageFields, 'text'> = {},
  ): Promise<{ ts: string; thread: string; channel: string }> {
    const event = appMention({ text: `${MENTION} ${text}`, ...fields });
    const twin = channelMessage({ text: `${MENTION} ${text}`, ...fields, ts: String(event.ts) });
    expect200(await this.deliver(event));
    expect200(await this.deliver(twin));
    return {
      ts: String(event.ts),
      thread: fields.thread_ts ?? String(event.ts),
      channel: String(event.channel),
    };
  }

  /** A user writes in a channel thread without mentioning the bot. */
  async say(text: string, fields: Omit<MessageFields, 'text'>): Promise<{ ts: string }> {
    const event = channelMessage({ text, ...fields });
    expect200(await this.deliver(event));
    return { ts: String(event.ts) };
  }

  /** A user writes to the bot directly (a DM: the assistant or agent view). */
  async dm(
    text: string,
    fields: Omit<MessageFields, 'text'> = {},
  ): Promise<{ ts: string; thread: string; channel: string }> {
    const event = dmMessage({ text, ...fields });
    expect200(await this.deliver(event));
    return {
      ts: String(event.ts),
      thread: fields.thread_ts ?? String(event.ts),
      channel: String(event.channel),
    };
  }

  /**
   * Resolves once `count` answers in all have finished rendering, and the tidying up after them that
   * answers do not wait for (working lines deleted, Stop buttons removed) is done.
   */
  async answers(count: number, timeoutMs = 8000): Promise<void> {
    await this.slack.waitFor(() => this.rendered.length >= count, { timeoutMs, what: `${count} answers` });
    await this.adapter.settled();
    // Its conversation is free a moment after the answer is shown (once the run record is cleared);
    // a test that asks "is anything running?" next must see that. (A queued turn keeps it busy: bounded.)
    const key = this.rendered[count - 1]?.key as ConversationKey | undefined;
    const deadline = Date.now() + 2000;
    while (key && this.core.orchestrator.isBusy(key) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Resolves once the adapter has dealt with `count` requests matching `kind` (and `ts`). */
  handledOf(kind: string, count = 1, ts?: string): Promise<HandledEvent[]> {
    return this.slack.waitFor(
      () => {
        const matching = this.handled.filter((h) => h.kind === kind && (ts === undefined || h.ts === ts));
        return matching.length >= count ? matching : undefined;
      },
      { what: `${count} handled ${kind}`, timeoutMs: 8000 },
    );
  }

  async close(): Promise<void> {
    await this.adapter.stop();
    await this.core.close();
    await this.slack.close();
  }
}
