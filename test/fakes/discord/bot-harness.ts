import { Writable } from 'node:stream';
import type { AdapterDeps, PlatformAdapter } from '../../../src/adapters/adapter.js';
import type { DiscordConfig } from '../../../src/adapters/discord/config.js';
import {
  createDiscordAdapter,
  type DiscordAdapterOptions,
} from '../../../src/adapters/discord/discord-adapter.js';
import type { BackendName } from '../../../src/backends/backend.js';
import type { ToolDisplay } from '../../../src/config/types.js';
import { createLogger } from '../../../src/core/logger.js';
import type { Metrics } from '../../../src/core/metrics.js';
import type { FakeOpenAI } from '../../../src/model-server/index.js';
import { isFenceBalanced } from '../../../src/render/split.js';
import { Harness, type HarnessOptions, TEST_RUN } from '../../contract/harness.js';
import { specsPresent } from '../shared/specs.js';
import {
  type AttachmentInput,
  type FakeDirectory,
  type FakeDiscord,
  type FakeDiscordOptions,
  startFakeDiscord,
} from './fake-discord.js';
import { checkDiscordConformance, loadDiscordSpec } from './spec.js';
import type { FakeChannel, FakeMessage } from './world.js';

/** The Discord configuration a test may set (the API URL is always the fake's). */
type DiscordSettings = Partial<Omit<DiscordConfig, 'apiUrl'>>;

/** What a test may change about the bot under test. */
export interface DiscordBotOptions {
  /** The adapter's configuration; a function when it names the fake's ids (allowlists). */
  discord?: DiscordSettings | ((directory: FakeDirectory) => DiscordSettings);
  toolDisplay?: ToolDisplay;
  /** How the fake Discord behaves (limits, granted intents...). */
  fake?: FakeDiscordOptions;
  /** The platform-free core: run limits, backend options. */
  harness?: HarnessOptions;
  /** The model-service API the core speaks (default: Assistants). */
  backend?: BackendName;
  /** The adapter's testing hooks. */
  adapter?: Partial<
    Pick<DiscordAdapterOptions, 'budget' | 'typingRefreshMs' | 'maxUploadBytes' | 'onDroppedEvent'>
  >;
  /** How messages wait for an unreachable store (STORE_HOLD_MS, MAX_QUEUED_MESSAGES). */
  storeHold?: AdapterDeps['storeHold'];
  /** Where rendering reports (strategies, how soon text showed, budget waits). */
  metrics?: Metrics;
}

/** Edits in tests come every 50 ms instead of every second, so streaming shows within a short answer. */
export const TEST_EDIT_INTERVAL_MS = 50;

/**
 * The whole bot on Discord, for integration tests: the fake Discord and the real discord.js client,
 * the real orchestrator and SQLite store, the Assistants backend with the real `openai` SDK against
 * the fake OpenAI server. Only 127.0.0.1 is ever contacted.
 */
export class DiscordBot {
  private constructor(
    readonly fake: FakeDiscord,
    readonly core: Harness,
    private current: PlatformAdapter,
    /** What the adapter logged (JSON lines, parsed). */
    readonly logs: LogLines,
    /** Builds another adapter like the first (with these settings changed), on the same fake and core. */
    private readonly build: (settings?: DiscordSettings) => PlatformAdapter,
  ) {}

  /** Adapters started by `startAnotherAdapter`, stopped by `close`. */
  private readonly others: PlatformAdapter[] = [];

  static async start(options: DiscordBotOptions = {}): Promise<DiscordBot> {
    const fake = await startFakeDiscord(options.fake);
    const core = await Harness.start(options.backend ?? 'assistants', options.harness);
    const logs = new LogLines();
    const build = (settings: DiscordSettings = {}) =>
      createDiscordAdapter(
        {
          token: fake.token,
          apiUrl: fake.apiUrl,
          guildId: fake.directory.guildId,
          allow: { spaces: [], channels: [], roles: [], users: [] },
          messageContent: true,
          editIntervalMs: TEST_EDIT_INTERVAL_MS,
          shards: undefined,
          approverRoles: [],
          ...(typeof options.discord === 'function' ? options.discord(fake.directory) : options.discord),
          ...settings,
        },
        {
          toolDisplay: options.toolDisplay ?? 'full',
          maxAttachmentBytes: { ...TEST_RUN, ...options.harness?.run }.maxAttachmentBytes,
          deps: {
            // Watched: tests wait until the bot took a message (core.submissions).
            orchestrator: core.port,
            store: core.store,
            logger: createLogger('debug', logs.stream),
            ...(options.storeHold ? { storeHold: options.storeHold } : {}),
            ...(options.metrics && { metrics: options.metrics }),
          },
          attachmentOrigins: [fake.origin],
          ...options.adapter,
        },
      );
    const adapter = build();
    try {
      await adapter.start();
    } catch (error) {
      await core.close();
      await fake.close();
      throw error;
    }
    return new DiscordBot(fake, core, adapter, logs, build);
  }

  /** The adapter under test (a new one after `restartAdapter`). */
  get adapter(): PlatformAdapter {
    return this.current;
  }

  /** Stops the adapter and starts a new one on the same store, as a restarted process would. */
  async restartAdapter(): Promise<void> {
    await this.current.stop();
    this.current = this.build();
    await this.current.start();
  }

  /**
   * Starts a second adapter beside the first, on the same fake, orchestrator and store, as another
   * process sharing the store would run (e.g. with other Discord shards). `close` stops it.
   */
  async startAnotherAdapter(settings: DiscordSettings): Promise<PlatformAdapter> {
    const adapter = this.build(settings);
    this.others.push(adapter);
    await adapter.start();
    return adapter;
  }

  /** The fake OpenAI server: its script is the model. */
  get openai(): FakeOpenAI {
    return this.core.fake;
  }

  get botId(): string {
    return this.fake.world.bot.id;
  }

  /** A user mentions the bot in a channel (default: alice in #general). */
  mention(
    content: string,
    options: { channelId?: string; authorId?: string; attachments?: readonly AttachmentInput[] } = {},
  ): FakeMessage {
    return this.fake.sendMessage({
      channelId: options.channelId ?? this.fake.directory.general,
      authorId: options.authorId ?? this.fake.directory.alice,
      content,
      mention: true,
      ...(options.attachments && { attachments: options.attachments }),
    });
  }

  /** Waits until the thread started from `message` exists. */
  threadOf(message: FakeMessage, timeoutMs = 5000): Promise<FakeChannel> {
    return this.fake.waitFor(
      () => (message.threadId === undefined ? undefined : this.fake.world.channels.get(message.threadId)),
      { timeoutMs, what: `a thread from message ${message.id}` },
    );
  }

  /**
   * Waits until the bot's messages in `channelId` satisfy `done`, then until every run is over, and
   * returns the final contents of the bot's messages there.
   */
  async answer(
    channelId: string,
    done: (contents: string[]) => boolean,
    timeoutMs = 8000,
  ): Promise<string[]> {
    const contents = () => this.fake.botMessages(channelId).map((m) => m.content);
    await this.fake.waitFor(() => done(contents()), { timeoutMs, what: `the answer in ${channelId}` });
    await this.core.orchestrator.idle();
    return contents();
  }

  /** Everything the bot posted anywhere that people can see, oldest first. */
  everything(): FakeMessage[] {
    return [...this.fake.world.messages.values()].filter(
      (m) => m.authorId === this.botId && !m.deleted && (m.flags & 64) === 0,
    );
  }

  /** Every run is over and rendered. */
  idle(): Promise<void> {
    return this.core.orchestrator.idle();
  }

  async close(): Promise<void> {
    for (const other of this.others) await other.stop();
    await this.current.stop();
    await this.core.close();
    await this.fake.close();
  }
}

/**
 * What every test file checks at its end: every body the fake sent or accepted matches Discord's
 * OpenAPI document, no call was refused as an invalid form, and every message the bot left has at most
 * 2000 characters and balanced code fences. Returns the problems (none: an empty list).
 */
export function brokenRules(bot: DiscordBot): string[] {
  // Without ../shared/specs (a plain clone) the other rules still hold; the run says the spec is skipped.
  const problems = specsPresent()
    ? checkDiscordConformance(loadDiscordSpec(), bot.fake).map((v) => `${v.what}: ${v.errors.join('; ')}`)
    : [];
  for (const call of bot.fake.calls) {
    if (call.errorCode === 50035) problems.push(`${call.method} ${call.path} was refused as an invalid form`);
  }
  for (const message of bot.everything()) {
    if (message.content.length > 2000)
      problems.push(`message ${message.id} has ${message.content.length} characters`);
    if (!isFenceBalanced(message.content)) problems.push(`message ${message.id} leaves a code block open`);
  }
  return problems;
}

/** The adapter's log, kept in memory: tests check that a refusal was logged clearly, without secrets. */
export class LogLines {
  readonly lines: Record<string, unknown>[] = [];
  readonly raw: string[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer, _encoding, callback) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        this.raw.push(line);
        this.lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });

  /** Lines whose `msg` contains `text`. */
  find(text: string): Record<string, unknown>[] {
    return this.lines.filter((l) => typeof l.msg === 'string' && l.msg.includes(text));
  }
}
