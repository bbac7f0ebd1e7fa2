import { ChannelType } from 'discord.js';
import { snowflake } from './ids.js';

/** The message flag of replies only their user sees. */
const EPHEMERAL = 1 << 6;

/**
 * The fake's model of Discord: users, guilds, channels, threads, messages and interactions. Routes
 * and test helpers change it; payload builders (payloads.ts) show it as the API does.
 */

export interface FakeUser {
  id: string;
  username: string;
  bot: boolean;
  system: boolean;
}

/** A guild role. */
export interface FakeRole {
  id: string;
  name: string;
  /** Set for a bot's managed role, which Discord creates when the bot joins. */
  botId?: string;
}

/** A guild (server) with its roles and members. */
export interface FakeGuild {
  id: string;
  name: string;
  ownerId: string;
  roles: FakeRole[];
  /** user id -> role ids (the @everyone role is implied). */
  members: Map<string, string[]>;
}

/** Permissions the fake can withhold from the bot in one channel (their discord.js names). */
export type FakePermission =
  | 'SendMessages'
  | 'SendMessagesInThreads'
  | 'CreatePublicThreads'
  | 'AttachFiles'
  | 'AddReactions';

/** A text channel, a public thread or a DM channel. */
export interface FakeChannel {
  id: string;
  type: ChannelType.GuildText | ChannelType.PublicThread | ChannelType.DM;
  name: string;
  guildId: string | undefined;
  /** Threads: the text channel they belong to. */
  parentId: string | undefined;
  /** Threads: who started it. */
  ownerId: string | undefined;
  /** DMs: the other user. */
  recipientId: string | undefined;
  createdAt: number;
  denied: Set<FakePermission>;
}

/** A file on a message or an interaction, with the bytes the fake serves. */
export interface FakeAttachment {
  id: string;
  filename: string;
  size: number;
  contentType: string | undefined;
  /** Where the bytes are served: the fake's own "CDN", or any URL a test wants to offer. */
  url: string;
  bytes: Uint8Array | undefined;
  /** Served without Content-Length, in pieces: only a reader that counts can stop at a limit. */
  chunked?: boolean;
}

/** A file a user attaches: the fake serves it at its attachment host unless `url` points elsewhere. */
export interface AttachmentInput {
  filename: string;
  bytes: Uint8Array | string;
  contentType?: string;
  /** Where the bot is told to fetch it (default: the fake's own attachment host). */
  url?: string;
  /** The size Discord reports (default: the real size). */
  size?: number;
  /** Serve it without Content-Length, in pieces. */
  chunked?: boolean;
}

/** A message as the fake keeps it; payloads.ts shows it as the API does. */
export interface FakeMessage {
  id: string;
  channelId: string;
  authorId: string;
  content: string;
  attachments: FakeAttachment[];
  /** Discord's message type: 0 default, 19 reply, 20 chat-input command, 7 member join... */
  type: number;
  flags: number;
  mentions: string[];
  createdAt: number;
  editedAt: number | undefined;
  deleted: boolean;
  /** Edits answer 30046, as for a message older than an hour that was edited too often. */
  frozen: boolean;
  /** Set for interaction responses and follow-ups: the application's webhook. */
  webhookId: string | undefined;
  /** The thread started from this message (its id is the message's id). */
  threadId: string | undefined;
  /** emoji -> users who reacted with it. */
  reactions: Map<string, Set<string>>;
  /** The `nonce` it was created with, if any. */
  nonce?: string;
  /** Message components (action rows of buttons) as Discord shows them, ids assigned. */
  components: Record<string, unknown>[];
  /** A forward: the message it forwards, shown as a snapshot taken when it was forwarded. */
  forwardOf?: FakeMessage;
}

/** A slash command a user ran or a button a user clicked, and how the bot answered it. */
export interface FakeInteraction {
  id: string;
  token: string;
  /** `command`: a slash command (type 2); `component`: a button click (MESSAGE_COMPONENT, type 3). */
  kind: 'command' | 'component';
  /** Buttons: the clicked button's custom_id and the message it is on. */
  customId?: string;
  messageId?: string;
  name: string;
  options: { name: string; type: number; value: string | number | boolean }[];
  attachments: FakeAttachment[];
  channelId: string;
  guildId: string | undefined;
  userId: string;
  createdAt: number;
  /** How the bot answered the interaction callback, if it did (`updated`: types 6 and 7 on a button). */
  acknowledged: 'deferred' | 'replied' | 'updated' | undefined;
  ephemeral: boolean;
  originalMessageId: string | undefined;
}

/** The fake's world; every collection is keyed by id. */
export class World {
  readonly users = new Map<string, FakeUser>();
  readonly guilds = new Map<string, FakeGuild>();
  readonly channels = new Map<string, FakeChannel>();
  readonly messages = new Map<string, FakeMessage>();
  readonly interactions = new Map<string, FakeInteraction>();
  /** Application commands as registered: scope (`global` or a guild id) -> command bodies. */
  readonly commands = new Map<string, Record<string, unknown>[]>();

  constructor(readonly bot: FakeUser) {
    this.users.set(bot.id, bot);
  }

  addUser(username: string, options: { bot?: boolean; system?: boolean } = {}): FakeUser {
    const user = { id: snowflake(), username, bot: options.bot ?? false, system: options.system ?? false };
    this.users.set(user.id, user);
    return user;
  }

  /** A guild the bot is in; `id` picks its snowflake (and so its shard). */
  addGuild(name: string, ownerId: string, id: string = snowflake()): FakeGuild {
    // The @everyone role has the guild's id, as on Discord.
    const guild: FakeGuild = { id, name, ownerId, roles: [{ id, name: '@everyone' }], members: new Map() };
    guild.members.set(this.bot.id, []);
    this.guilds.set(id, guild);
    return guild;
  }

  addRole(guildId: string, name: string, botId?: string): FakeRole {
    const role: FakeRole = { id: snowflake(), name, ...(botId !== undefined && { botId }) };
    this.guild(guildId).roles.push(role);
    return role;
  }

  addMember(guildId: string, userId: string, roleIds: string[] = []): void {
    this.guild(guildId).members.set(userId, roleIds);
  }

  addTextChannel(guildId: string, name: string): FakeChannel {
    return this.putChannel({ type: ChannelType.GuildText, name, guildId, parentId: undefined });
  }

  /** A public thread; `id` is the starter message's id when started from a message. */
  addThread(parent: FakeChannel, name: string, ownerId: string, id: string = snowflake()): FakeChannel {
    return this.putChannel({
      id,
      type: ChannelType.PublicThread,
      name,
      guildId: parent.guildId,
      parentId: parent.id,
      ownerId,
    });
  }

  /** The DM channel between the bot and `userId`, made on first use. */
  dmWith(userId: string): FakeChannel {
    for (const channel of this.channels.values()) {
      if (channel.type === ChannelType.DM && channel.recipientId === userId) return channel;
    }
    return this.putChannel({ type: ChannelType.DM, name: '', guildId: undefined, recipientId: userId });
  }

  addMessage(
    input: Partial<FakeMessage> & Pick<FakeMessage, 'channelId' | 'authorId' | 'content'>,
  ): FakeMessage {
    const message: FakeMessage = {
      id: snowflake(),
      attachments: [],
      type: 0,
      flags: 0,
      mentions: [],
      createdAt: Date.now(),
      editedAt: undefined,
      deleted: false,
      frozen: false,
      webhookId: undefined,
      threadId: undefined,
      reactions: new Map(),
      components: [],
      ...input,
    };
    this.messages.set(message.id, message);
    return message;
  }

  /** A file a user attaches, served at `origin` (the fake's attachment host) unless it names a URL. */
  userAttachment(origin: string, channelId: string, input: AttachmentInput): FakeAttachment {
    const bytes = typeof input.bytes === 'string' ? new TextEncoder().encode(input.bytes) : input.bytes;
    const id = snowflake();
    return {
      id,
      filename: input.filename,
      size: input.size ?? bytes.byteLength,
      contentType: input.contentType,
      url: input.url ?? `${origin}/attachments/${channelId}/${id}/${encodeURIComponent(input.filename)}`,
      bytes,
      chunked: input.chunked ?? false,
    };
  }

  /** The attachment with this id, in any message or interaction. */
  attachment(id: string): FakeAttachment | undefined {
    const all = [
      ...[...this.messages.values()].flatMap((m) => m.attachments),
      ...[...this.interactions.values()].flatMap((i) => i.attachments),
    ];
    return all.find((a) => a.id === id);
  }

  guild(id: string): FakeGuild {
    const guild = this.guilds.get(id);
    if (!guild) throw new Error(`fake Discord: no guild ${id}`);
    return guild;
  }

  user(id: string): FakeUser {
    const user = this.users.get(id);
    if (!user) throw new Error(`fake Discord: no user ${id}`);
    return user;
  }

  /** Messages of a channel as everyone sees them (not deleted, not ephemeral), oldest first. */
  messagesIn(channelId: string): FakeMessage[] {
    return [...this.messages.values()].filter(
      (m) => m.channelId === channelId && !m.deleted && (m.flags & EPHEMERAL) === 0,
    );
  }

  /** Threads whose parent is `channelId`, oldest first. */
  threadsOf(channelId: string): FakeChannel[] {
    return [...this.channels.values()].filter((c) => c.parentId === channelId);
  }

  /** Is `permission` withheld from the bot in this channel (or, for a thread, in its parent)? */
  denied(channel: FakeChannel, permission: FakePermission): boolean {
    const parent = channel.parentId === undefined ? undefined : this.channels.get(channel.parentId);
    return channel.denied.has(permission) || (parent?.denied.has(permission) ?? false);
  }

  private putChannel(
    input: Pick<FakeChannel, 'type' | 'name' | 'guildId'> & Partial<FakeChannel>,
  ): FakeChannel {
    const channel: FakeChannel = {
      id: snowflake(),
      parentId: undefined,
      ownerId: undefined,
      recipientId: undefined,
      createdAt: Date.now(),
      denied: new Set(),
      ...input,
    };
    this.channels.set(channel.id, channel);
    return channel;
  }
}
