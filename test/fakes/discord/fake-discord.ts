import { GatewayIntentBits } from 'discord.js';
import { type FakeDirectory, seed } from './directory.js';
import { Gateway, type ShardKey } from './gateway.js';
import {
  componentInteractionPayload,
  guildCreatePayload,
  guildsOn,
  interactionPayload,
  readyPayload,
} from './gateway-payloads.js';
import { AnswerHolds, type HeldCall, ServerFaults } from './http/faults.js';
import type { BucketLimit } from './http/rate-limits.js';
import { RateLimits } from './http/rate-limits.js';
import { Recorder } from './http/recorder.js';
import { Router } from './http/router.js';
import { type CdnFile, type RunningServer, startHttpServer } from './http/server.js';
import { interactionToken, snowflake, snowflakeOnShard } from './ids.js';
import { FakeDiscordInspection } from './inspection.js';
import { appRoutes } from './routes/app-routes.js';
import { channelRoutes } from './routes/channel-routes.js';
import {
  dispatchMessage,
  dispatchMessageDelete,
  dispatchReaction,
  dispatchThreadCreate,
  type FakeContext,
  mentionsIn,
} from './routes/context.js';
import { interactionRoutes } from './routes/interaction-routes.js';
import {
  type AttachmentInput,
  type FakeChannel,
  type FakeInteraction,
  type FakeMessage,
  type FakePermission,
  World,
} from './world.js';

export type { AttachmentInput, FakeDirectory };

/** How the fake behaves; every option has a default in DEFAULT_FAKE_DISCORD. */
export interface FakeDiscordOptions {
  /** The bot token the fake accepts (REST `Authorization: Bot <token>`, gateway IDENTIFY). */
  token?: string;
  heartbeatIntervalMs?: number;
  /** Privileged intents granted in the "developer portal"; asking for others closes with 4014. */
  grantedIntents?: number;
  interactionAckMs?: number;
  maxUploadBytes?: number;
  /** Calls per bucket (route and channel) per window. */
  bucket?: BucketLimit;
  globalPerSecond?: number;
  port?: number;
}

/** The fake's defaults: Discord's own limits where they do not slow tests down. */
export const DEFAULT_FAKE_DISCORD = {
  token: 'fake-discord-token',
  heartbeatIntervalMs: 41_250,
  grantedIntents: GatewayIntentBits.MessageContent,
  interactionAckMs: 3000,
  maxUploadBytes: 10 * 1024 * 1024,
  // Lenient per-bucket limits keep tests fast; a test sets Discord's 5 per 5 s to see the headers obeyed.
  bucket: { limit: 50, windowMs: 1000 },
  globalPerSecond: 50,
} as const satisfies Required<Omit<FakeDiscordOptions, 'port'>>;

/**
 * A local Discord for tests: REST under /api/v10 and the gateway WebSocket on 127.0.0.1, so the real
 * discord.js client runs unchanged with `new Client({ rest: { api: fake.apiUrl } })`. Test helpers act
 * as users (messages, DMs, slash commands, reactions); inspectors show what the bot did.
 */
export class FakeDiscord extends FakeDiscordInspection {
  readonly world: World;
  readonly directory: FakeDirectory;
  readonly token: string;
  readonly recorder = new Recorder();
  readonly gateway: Gateway;
  protected readonly limits: RateLimits;
  private readonly faults = new ServerFaults();
  private readonly holds = new AnswerHolds();
  private readonly router = new Router();
  private readonly context: FakeContext;
  private server: RunningServer | undefined;

  private constructor(options: FakeDiscordOptions) {
    super();
    this.token = options.token ?? DEFAULT_FAKE_DISCORD.token;
    this.world = new World({ id: snowflake(), username: 'threadloom', bot: true, system: false });
    this.directory = seed(this.world);
    this.limits = new RateLimits({
      bucket: options.bucket ?? DEFAULT_FAKE_DISCORD.bucket,
      globalPerSecond: options.globalPerSecond ?? DEFAULT_FAKE_DISCORD.globalPerSecond,
    });
    this.gateway = new Gateway({
      token: this.token,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULT_FAKE_DISCORD.heartbeatIntervalMs,
      grantedIntents: options.grantedIntents ?? DEFAULT_FAKE_DISCORD.grantedIntents,
      ready: (session) => readyPayload(this.world, session, `ws://127.0.0.1:${this.port}/gateway-resume`),
      afterReady: (session) =>
        (session.intents & GatewayIntentBits.Guilds) === 0
          ? []
          : guildsOn(this.world, session).map((g) => ({
              t: 'GUILD_CREATE',
              d: guildCreatePayload(this.world, g),
            })),
      changed: () => this.recorder.changed(),
    });
    const context: FakeContext = {
      world: this.world,
      gateway: this.gateway,
      origin: () => this.origin,
      interactionAckMs: options.interactionAckMs ?? DEFAULT_FAKE_DISCORD.interactionAckMs,
      maxUploadBytes: options.maxUploadBytes ?? DEFAULT_FAKE_DISCORD.maxUploadBytes,
    };
    this.context = context;
    this.router.add(
      ...appRoutes(context, () => `ws://127.0.0.1:${this.port}/gateway`),
      ...channelRoutes(context),
      ...interactionRoutes(context),
    );
  }

  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    fake.server = await startHttpServer({
      router: fake.router,
      recorder: fake.recorder,
      limits: fake.limits,
      faults: fake.faults,
      holds: fake.holds,
      token: fake.token,
      cdn: (path) => fake.cdnFile(path),
      upgrade: (request, socket, head) => fake.gateway.upgrade(request, socket, head),
      ...(options.port !== undefined && { port: options.port }),
    });
    return fake;
  }

  get port(): number {
    return this.server?.port ?? 0;
  }

  /** `http://127.0.0.1:<port>`: also the origin of the attachments it serves. */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** For `DISCORD_API_URL` / `new Client({ rest: { api } })`; discord.js adds `/v10`. */
  get apiUrl(): string {
    return `${this.origin}/api`;
  }

  /** Every route the fake serves, for the spec check. */
  get routes() {
    return this.router.routes;
  }

  async close(): Promise<void> {
    await this.gateway.close();
    await this.server?.close();
  }

  // ---- Acting as users ----

  /** A user posts in a channel or thread; `mention` puts `<@bot>` first, as Discord's client does. */
  sendMessage(input: {
    channelId: string;
    authorId: string;
    content: string;
    mention?: boolean;
    attachments?: readonly AttachmentInput[];
    /** Discord's message type (7: a member joined, a system message). */
    type?: number;
  }): FakeMessage {
    const content = input.mention ? `<@${this.world.bot.id}> ${input.content}` : input.content;
    const message = this.world.addMessage({
      channelId: input.channelId,
      authorId: input.authorId,
      content,
      mentions: mentionsIn(this.world, content),
      attachments: (input.attachments ?? []).map((a) =>
        this.world.userAttachment(this.origin, input.channelId, a),
      ),
      ...(input.type !== undefined && { type: input.type }),
    });
    dispatchMessage(this.context, 'MESSAGE_CREATE', message);
    return message;
  }

  /** A user writes to the bot directly. */
  sendDm(userId: string, content: string, attachments: readonly AttachmentInput[] = []): FakeMessage {
    const channel = this.world.dmWith(userId);
    return this.sendMessage({ channelId: channel.id, authorId: userId, content, attachments });
  }

  /** A user starts a thread of their own (one the bot does not own). */
  createThread(channelId: string, name: string, ownerId: string): FakeChannel {
    const parent = this.channel(channelId);
    const thread = this.world.addThread(parent, name, ownerId);
    dispatchThreadCreate(this.context, thread);
    return thread;
  }

  /** A user runs a slash command; the bot has `interactionAckMs` to answer the callback. */
  slashCommand(input: {
    name: string;
    channelId: string;
    userId: string;
    options?: Readonly<Record<string, string | number | boolean>>;
    file?: AttachmentInput;
  }): FakeInteraction {
    const channel = this.channel(input.channelId);
    const attachments = input.file ? [this.world.userAttachment(this.origin, channel.id, input.file)] : [];
    const options = Object.entries(input.options ?? {}).map(([name, value]) => ({
      name,
      type: typeof value === 'string' ? 3 : typeof value === 'boolean' ? 5 : 10,
      value,
    }));
    for (const attachment of attachments) options.push({ name: 'file', type: 11, value: attachment.id });
    return this.interact(
      { kind: 'command', name: input.name, options, attachments, channel, userId: input.userId },
      interactionPayload,
    );
  }

  /** A user clicks a button of a message (MESSAGE_COMPONENT); the bot has `interactionAckMs` to answer. */
  clickButton(input: { messageId: string; customId: string; userId: string }): FakeInteraction {
    const message = this.message(input.messageId);
    const buttons = message.components.flatMap((row) => (row.components ?? []) as { custom_id?: string }[]);
    if (!buttons.some((b) => b.custom_id === input.customId)) {
      throw new Error(`fake Discord: message ${message.id} has no button ${input.customId}`);
    }
    return this.interact(
      {
        kind: 'component',
        customId: input.customId,
        messageId: message.id,
        name: '',
        options: [],
        attachments: [],
        channel: this.channel(message.channelId),
        userId: input.userId,
      },
      componentInteractionPayload,
    );
  }

  /** Records a new interaction by `userId` in `channel` and sends it to the bot over the gateway. */
  private interact<P>(
    fields: Pick<FakeInteraction, 'kind' | 'name' | 'options' | 'attachments' | 'customId' | 'messageId'> & {
      channel: FakeChannel;
      userId: string;
    },
    payload: (world: World, interaction: FakeInteraction) => P,
  ): FakeInteraction {
    const { channel, ...rest } = fields;
    const interaction: FakeInteraction = {
      ...rest,
      id: snowflake(),
      token: interactionToken(),
      channelId: channel.id,
      guildId: channel.guildId,
      createdAt: Date.now(),
      acknowledged: undefined,
      ephemeral: false,
      originalMessageId: undefined,
    };
    this.world.interactions.set(interaction.id, interaction);
    this.gateway.dispatch('INTERACTION_CREATE', () => payload(this.world, interaction), {
      guildId: interaction.guildId,
    });
    return interaction;
  }

  /** A user reacts to a message. */
  react(input: { messageId: string; userId: string; emoji: string }): void {
    const message = this.message(input.messageId);
    const channel = this.channel(message.channelId);
    const users = message.reactions.get(input.emoji) ?? new Set<string>();
    users.add(input.userId);
    message.reactions.set(input.emoji, users);
    dispatchReaction(this.context, channel, message, input.userId, input.emoji);
  }

  /** Someone (a moderator) deletes a message: later edits of it answer 10008. */
  deleteMessage(messageId: string): void {
    const message = this.message(messageId);
    message.deleted = true;
    dispatchMessageDelete(this.context, this.channel(message.channelId), message);
  }

  /** Later edits of this message answer 30046, as for an old message edited too often. */
  freezeEdits(messageId: string): void {
    this.message(messageId).frozen = true;
  }

  /** Withholds a permission from the bot in a channel (and the threads under it): 50013. */
  deny(channelId: string, permission: FakePermission): void {
    this.channel(channelId).denied.add(permission);
  }

  /** Gives a withheld permission back. */
  allow(channelId: string, permission: FakePermission): void {
    this.channel(channelId).denied.delete(permission);
  }

  /** The next `method` request whose path (under /api/v10) matches gets a 429 with this `retry_after`. */
  rateLimitNext(input: { method: string; path: RegExp; retryAfterMs: number; global?: boolean }): void {
    this.limits.force({ ...input, method: input.method.toUpperCase(), global: input.global ?? false });
  }

  /**
   * The next `count` calls to `route` (a template, e.g. `/channels/{channel_id}/messages`) fail with
   * `status`; with `afterHandling`, each takes effect first (the message is made, the edit done) and
   * the answer is lost, as with a gateway timeout.
   */
  failNext(input: {
    method: string;
    route: string;
    status: number;
    count?: number;
    afterHandling?: boolean;
  }): void {
    this.faults.add({
      method: input.method.toUpperCase(),
      route: input.route,
      status: input.status,
      remaining: input.count ?? 1,
      afterHandling: input.afterHandling ?? false,
    });
  }

  /** The next such call takes effect but its answer never leaves (see `AnswerHolds.hold`). */
  holdAnswer(input: HeldCall): Promise<void> {
    return this.holds.hold(input);
  }

  /** `failNext` faults that have not fired yet. */
  get pendingFaults(): number {
    return this.faults.pending;
  }

  /**
   * Cuts the gateway connection; discord.js RESUMEs and gets what it missed. With `replayAfter`
   * (a sequence number, see `session.seq`), events it had already received after that are replayed too.
   */
  dropGateway(options: { replayAfter?: number } = {}): void {
    this.gateway.drop(options);
  }

  /**
   * The bot joins another guild (alice, bob and carol are members; one text channel, #general), on
   * the given shard when one is given. Its GUILD_CREATE goes to that shard's session, as on Discord.
   */
  addGuild(input: { name: string; shard?: ShardKey }): { guildId: string; general: string } {
    const id = input.shard ? snowflakeOnShard(...input.shard) : snowflake();
    const { alice, bob, carol } = this.directory;
    const guild = this.world.addGuild(input.name, alice, id);
    for (const user of [alice, bob, carol]) this.world.addMember(guild.id, user);
    const general = this.world.addTextChannel(guild.id, 'general');
    this.gateway.dispatch('GUILD_CREATE', () => guildCreatePayload(this.world, guild), {
      guildId: guild.id,
      intent: GatewayIntentBits.Guilds,
    });
    return { guildId: guild.id, general: general.id };
  }

  /** A user opens a thread from a message (before the bot gets to it): the bot's own attempt gets 160004. */
  openThreadFrom(messageId: string, ownerId: string, name = 'a thread'): FakeChannel {
    const message = this.message(messageId);
    const thread = this.world.addThread(this.channel(message.channelId), name, ownerId, message.id);
    message.threadId = thread.id;
    dispatchThreadCreate(this.context, thread);
    return thread;
  }

  private cdnFile(path: string): CdnFile | undefined {
    const found = this.world.attachment(path.split('/')[3] ?? '');
    if (!found?.bytes) return undefined;
    return {
      bytes: found.bytes,
      contentType: found.contentType ?? 'application/octet-stream',
      chunked: found.chunked ?? false,
    };
  }
}

/** Starts a fake Discord on 127.0.0.1 (port 0 unless given). */
export function startFakeDiscord(options?: FakeDiscordOptions): Promise<FakeDiscord> {
  return FakeDiscord.start(options);
}
