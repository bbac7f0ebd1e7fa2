import {
  Client,
  Events,
  GatewayIntentBits,
  type Interaction,
  type Message,
  type MessageReaction,
  Options,
  type PartialMessageReaction,
  Partials,
  type PartialUser,
  RESTEvents,
  type User,
} from 'discord.js';
import type { LimitsConfig, ToolDisplay } from '../../config/types.js';
import type { ConversationKey } from '../../core/conversation.js';
import { errorCode, USER_MESSAGES } from '../../core/errors.js';
import { DEFAULT_LIMITS } from '../../render/usage-report.js';
import type { AdapterDeps, PlatformAdapter } from '../adapter.js';
import { isAllowed } from '../kit/access.js';
import { KitRenderer } from '../kit/answer-renderer.js';
import type { NoticeTone } from '../kit/chat-surface.js';
import { Intake } from '../kit/intake.js';
import { budgetWatcher } from '../kit/observe.js';
import { RateBudget, type RateBudgetOptions } from '../kit/rate-budget.js';
import { handleApprovalButton } from './approval-buttons.js';
import { handleCommand, registerCommands } from './commands.js';
import type { DiscordConfig } from './config.js';
import { connectError, describeError } from './discord-errors.js';
import { DiscordSurface, NOTICE_EMOJI } from './discord-surface.js';
import { reactionPlace } from './facts.js';
import { handleMessage } from './message-flow.js';
import { answerDroppedInteraction, type DroppedPacket, guardPackets } from './packet-guard.js';
import { accessOf } from './parse.js';
import { createRestPort, type DiscordPort } from './rest-port.js';
import { STOP_EMOJI } from './run-indicator.js';
import { DISCORD_ATTACHMENT_ORIGINS, discordDownloadPolicy } from './shared-files.js';
import { openThread } from './threads.js';
import { DEFAULT_TYPING_REFRESH_MS } from './typing.js';
import { pacedMakeRequest } from './wire-pace.js';

/** What `createDiscordAdapter` takes besides the Discord configuration; the testing hooks have defaults. */
export interface DiscordAdapterOptions {
  /** TOOL_DISPLAY: how much of the assistant's tool work is shown. */
  toolDisplay: ToolDisplay;
  /** MAX_ATTACHMENT_MB in bytes: larger user files are refused with a note. */
  maxAttachmentBytes: number;
  deps: AdapterDeps;
  /** Rate limit and daily budgets, shown by /usage (default: none). */
  limits?: LimitsConfig;
  /** Testing hook: origins user files may be fetched from (default: Discord's attachment hosts). */
  attachmentOrigins?: readonly string[];
  /** Testing hook: the pacing of all Discord calls. */
  budget?: RateBudgetOptions;
  /** Testing hook: how often the typing indicator is refreshed. */
  typingRefreshMs?: number;
  /** Generated files larger than this get a note instead of an upload. */
  maxUploadBytes?: number;
  /** A gateway event discord.js could not read was dropped (its type): main counts these in /metrics. */
  onDroppedEvent?: (type: string) => void;
}

/** Defaults of the adapter's own settings (the environment has no variables for these). */
export const DEFAULT_DISCORD_ADAPTER = {
  // Discord allows about 50 requests per second per bot. This budget decides which call goes first
  // (lanes, fair share); the requests then leave paced at 45 in any second (wire-pace.ts), since
  // discord.js can release a route's queued calls together. 44/s with a burst of 3 keeps the wire
  // queue short; under contention every call beyond the floor is planned away (kit/render-plan.ts).
  budget: { perSecond: 44, burst: 3 },
  // Without server boosts a bot may upload 10 MiB per file.
  maxUploadBytes: 10 * 1024 * 1024,
  typingRefreshMs: DEFAULT_TYPING_REFRESH_MS,
} as const satisfies {
  budget: RateBudgetOptions;
  maxUploadBytes: number;
  typingRefreshMs: number;
};

/** The gateway events the bot needs; Message Content (privileged) only when configured. */
export function discordIntents(messageContent: boolean): GatewayIntentBits[] {
  return [
    GatewayIntentBits.Guilds,
    GatewayIntentBits.GuildMessages,
    GatewayIntentBits.GuildMessageReactions,
    GatewayIntentBits.DirectMessages,
    GatewayIntentBits.DirectMessageReactions,
    ...(messageContent ? [GatewayIntentBits.MessageContent] : []),
  ];
}

/**
 * The Client options for `DISCORD_SHARD_IDS` / `DISCORD_SHARD_COUNT`: these shards of that many, or
 * every shard (discord.js asks the gateway how many) when unset.
 */
export function shardOptions(config: Pick<DiscordConfig, 'shards'>): {
  shards: number[] | 'auto';
  shardCount?: number;
} {
  if (config.shards === undefined) return { shards: 'auto' };
  return { shards: [...config.shards.ids], shardCount: config.shards.count };
}

/** Builds the Discord adapter; `start()` connects, registers the slash commands and takes events. */
export function createDiscordAdapter(config: DiscordConfig, options: DiscordAdapterOptions): PlatformAdapter {
  return new DiscordAdapter(config, options);
}

/**
 * The bot on Discord: discord.js for the gateway and REST, the shared orchestrator for runs, and
 * one rate budget for every call it makes so that many answers streaming at once stay within limits.
 */
export class DiscordAdapter implements PlatformAdapter {
  readonly platform = 'discord';
  private readonly client: Client;
  private readonly budget: RateBudget;
  private readonly renderer: KitRenderer;
  private readonly intake: Intake;
  private readonly port: DiscordPort;
  /** Answer messages of runs going on -> their conversation, for ⏹️. */
  private readonly answers = new Map<string, ConversationKey>();

  constructor(
    private readonly config: DiscordConfig,
    private readonly options: DiscordAdapterOptions,
  ) {
    this.client = new Client({
      intents: discordIntents(config.messageContent),
      // DMs, and reactions on messages discord.js never cached, arrive only as partials.
      partials: [Partials.Channel, Partials.Message, Partials.Reaction, Partials.User],
      // No message cache: replies go by id through REST, and discord.js would silently drop a
      // redelivered message it still caches; "answered once" is the store's job, across restarts too.
      makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0 }),
      allowedMentions: { parse: [] },
      rest: { ...(config.apiUrl !== undefined && { api: config.apiUrl }), makeRequest: pacedMakeRequest() },
      // discord.js's own sharding: this process connects only these shards; guilds on the others are
      // another process's. Always passed, so discord.js does not read its own SHARDS variable.
      ...shardOptions(config),
    });
    guardPackets(this.client, (dropped) => this.onDroppedPacket(dropped));
    this.budget = new RateBudget(
      options.budget ?? DEFAULT_DISCORD_ADAPTER.budget,
      Date.now,
      budgetWatcher(options.deps.metrics, 'discord', 'discord'),
    );
    const port = createRestPort(this.client.rest);
    const { logger } = options.deps;
    const surface = new DiscordSurface({
      port,
      budget: this.budget,
      limits: {
        editIntervalMs: config.editIntervalMs,
        maxUploadBytes: options.maxUploadBytes ?? DEFAULT_DISCORD_ADAPTER.maxUploadBytes,
      },
      typingRefreshMs: options.typingRefreshMs ?? DEFAULT_DISCORD_ADAPTER.typingRefreshMs,
      logger,
      answers: this.answers,
    });
    this.renderer = new KitRenderer(surface, options.toolDisplay, options.deps.metrics);
    this.port = port;
    this.intake = new Intake({
      platform: 'discord',
      orchestrator: options.deps.orchestrator,
      store: options.deps.store,
      logger,
      downloads: discordDownloadPolicy(
        options.attachmentOrigins ?? DISCORD_ATTACHMENT_ORIGINS,
        options.maxAttachmentBytes,
      ),
      note: (replyTo, text, tone) => this.note(replyTo.channel ?? '', text, tone),
      ...(options.deps.storeHold ? { storeHold: options.deps.storeHold } : {}),
    });
  }

  async start(): Promise<void> {
    const { deps } = this.options;
    deps.orchestrator.registerRenderer('discord', this.renderer);
    this.listen();
    // Not events.once: it would reject on an 'error' event, unhandled if login failed first.
    const ready = new Promise<void>((resolve) => this.client.once(Events.ClientReady, () => resolve()));
    try {
      await this.client.login(this.config.token);
    } catch (error) {
      throw connectError(error);
    }
    await ready;
    const applicationId = this.client.application?.id ?? this.client.user?.id;
    if (applicationId) {
      await registerCommands(this.client.rest, applicationId, this.config.guildId, deps.logger);
    }
    deps.logger.info(
      {
        user: this.client.user?.tag,
        guilds: this.client.guilds.cache.size,
        shards: this.client.options.shards,
      },
      'Discord adapter ready',
    );
  }

  /**
   * Stops taking events and closes the gateway connection. REST stays usable, so answers still being
   * written can post their last lines while the orchestrator stops them (main stops adapters first).
   */
  async stop(): Promise<void> {
    this.client.removeAllListeners(Events.MessageCreate);
    this.client.removeAllListeners(Events.InteractionCreate);
    this.client.removeAllListeners(Events.MessageReactionAdd);
    // Messages still waiting for the store are answered now ("send it again"), not dropped.
    this.intake.stop();
    await this.client.destroy();
    // discord.js forgets the token on destroy; REST calls are plain HTTP and need nothing else.
    this.client.rest.setToken(this.config.token);
  }

  private readonly openThread = (channelId: string, messageId: string, name: string) =>
    openThread(this.port, this.budget, channelId, messageId, name);

  /** A short line outside any answer; when even that is refused, a log line says why. */
  private async note(channelId: string, text: string, tone?: NoticeTone): Promise<void> {
    await this.budget.acquire('first');
    try {
      await this.port.post(channelId, tone === undefined ? text : `${NOTICE_EMOJI[tone]} ${text}`);
    } catch (error) {
      this.options.deps.logger.error(
        { channel: channelId, ...describeError(error) },
        'could not post a note on Discord',
      );
    }
  }

  private get botId(): string {
    return this.client.user?.id ?? '';
  }

  private listen(): void {
    const { logger } = this.options.deps;
    const guard =
      <A extends unknown[]>(what: string, handler: (...args: A) => Promise<void>) =>
      (...args: A) => {
        // No handler may reject unhandled: discord.js would drop it, Node would crash on it.
        handler(...args).catch((error: unknown) =>
          logger.error({ ...describeError(error) }, `${what} failed`),
        );
      };
    this.client.on(
      Events.MessageCreate,
      guard('handling a Discord message', (message: Message) =>
        handleMessage(message, this.botId, {
          config: this.config,
          intake: this.intake,
          openThread: this.openThread,
          logger,
        }),
      ),
    );
    this.client.on(
      Events.InteractionCreate,
      guard('handling a slash command', (i: Interaction) => this.onInteraction(i)),
    );
    this.client.on(
      Events.MessageReactionAdd,
      guard('handling a reaction', (r, u) => this.onReaction(r, u)),
    );
    this.client.on(Events.Error, (error) =>
      logger.error({ ...describeError(error) }, 'Discord client error'),
    );
    this.client.on(Events.ShardError, (error) =>
      logger.warn({ ...describeError(error) }, 'Discord gateway error'),
    );
    // A 429 that got through anyway: nobody calls Discord until it has passed. A bucket discord.js
    // only waits for is its own business; a global limit concerns every call the bot makes.
    this.client.rest.on(RESTEvents.Response, (_request, response) => {
      if (response.status !== 429) return;
      this.budget.pauseFor(Number(response.headers.get('retry-after') ?? '1') * 1000);
    });
    this.client.rest.on(RESTEvents.RateLimited, (info) => {
      if (info.global) this.budget.pauseFor(info.retryAfter);
    });
  }

  private async onInteraction(interaction: Interaction): Promise<void> {
    if (interaction.isButton()) {
      await handleApprovalButton(interaction, {
        orchestrator: this.options.deps.orchestrator,
        approverRoles: this.config.approverRoles,
      });
      return;
    }
    if (!interaction.isChatInputCommand()) return;
    try {
      await handleCommand(interaction, {
        config: this.config,
        intake: this.intake,
        openThread: this.openThread,
        orchestrator: this.options.deps.orchestrator,
        store: this.options.deps.store,
        limits: this.options.limits ?? DEFAULT_LIMITS,
        logger: this.options.deps.logger,
      });
    } catch (error) {
      this.options.deps.logger.error(
        { command: interaction.commandName, ...describeError(error) },
        'slash command failed',
      );
      const text = `⚠️ ${USER_MESSAGES[errorCode(error)]}`;
      if (interaction.deferred || interaction.replied)
        await interaction.followUp({ content: text }).catch(() => undefined);
      else await interaction.reply({ content: text }).catch(() => undefined);
    }
  }

  /**
   * A gateway event discord.js could not read cost only itself (see packet-guard.ts): it is logged
   * with its type, reported, and when it was an interaction its user hears so instead of nothing.
   */
  private onDroppedPacket(dropped: DroppedPacket): void {
    const { logger } = this.options.deps;
    logger.error(
      {
        platform: 'discord',
        event: dropped.type,
        shard: dropped.shard,
        ...describeError(dropped.error),
        stack: dropped.error instanceof Error ? dropped.error.stack : undefined,
      },
      'Discord: dropped a gateway event discord.js could not read',
    );
    this.options.onDroppedEvent?.(dropped.type);
    if (dropped.type !== 'INTERACTION_CREATE') return;
    answerDroppedInteraction(this.client.rest, dropped.data).catch((error: unknown) =>
      logger.warn({ ...describeError(error) }, 'could not answer a dropped interaction'),
    );
  }

  /** ⏹️ on an answer that is still being written stops its run. */
  private async onReaction(
    reaction: MessageReaction | PartialMessageReaction,
    user: User | PartialUser,
  ): Promise<void> {
    if (user.id === this.botId || user.bot) return;
    if (reaction.emoji.name?.replace(/\uFE0F/g, '') !== STOP_EMOJI.replace(/\uFE0F/g, '')) return;
    const key = this.answers.get(reaction.message.id);
    if (!key) return;
    if (!isAllowed(this.config.allow, accessOf(await reactionPlace(reaction, user)))) return;
    await this.options.deps.orchestrator.cancel(key);
  }
}
