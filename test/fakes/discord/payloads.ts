import {
  type APIAttachment,
  type APIDMChannel,
  type APIGuildMember,
  type APIMessage,
  type APITextChannel,
  type APIThreadChannel,
  type APIUser,
  type ChannelFlags,
  ChannelType,
  type GatewayMessageCreateDispatchData,
  type GuildMemberFlags,
  type MessageFlags,
  MessageReferenceType,
  type UserFlags,
} from 'discord.js';
import type { FakeAttachment, FakeChannel, FakeGuild, FakeMessage, FakeUser, World } from './world.js';

/**
 * The world as the API shows it: REST bodies (checked against the OpenAPI document by the spec
 * tests) and gateway payloads, typed with discord-api-types (the document has no gateway), so a
 * payload missing a field discord.js relies on does not compile.
 */

/** Discord sends 0 for "no flags"; discord-api-types' flag enums have no member for it. */
export const NO_FLAGS = 0;

/** The bot may do anything in the fake's guild; permissions are withheld per channel instead. */
export const ALL_PERMISSIONS = '2248473465835073';

export const iso = (ms: number) => new Date(ms).toISOString();

/** A user (UserResponse). */
export function userPayload(user: FakeUser): APIUser {
  return {
    id: user.id,
    username: user.username,
    avatar: null,
    discriminator: '0',
    public_flags: NO_FLAGS as UserFlags,
    flags: NO_FLAGS as UserFlags,
    global_name: user.username,
    primary_guild: null,
    ...(user.bot && { bot: true }),
    ...(user.system && { system: true }),
  };
}

/** An attachment (MessageAttachmentResponse). */
export function attachmentPayload(attachment: FakeAttachment): APIAttachment {
  return {
    id: attachment.id,
    filename: attachment.filename,
    size: attachment.size,
    url: attachment.url,
    proxy_url: attachment.url,
    ...(attachment.contentType !== undefined && { content_type: attachment.contentType }),
  };
}

/** A message as REST returns it (MessageResponse). */
export function messagePayload(world: World, message: FakeMessage): APIMessage {
  const reactions = [...message.reactions.entries()]
    .filter(([, users]) => users.size > 0)
    .map(([name, users]) => ({
      emoji: { id: null, name },
      count: users.size,
      count_details: { burst: 0, normal: users.size },
      burst_colors: [],
      me_burst: false,
      burst_me: false,
      me: users.has(world.bot.id),
      burst_count: 0,
    }));
  return {
    id: message.id,
    type: message.type,
    channel_id: message.channelId,
    author: userPayload(world.user(message.authorId)),
    content: message.content,
    mentions: message.mentions.map((id) => userPayload(world.user(id))),
    mention_roles: [...new Set([...message.content.matchAll(/<@&(\d+)>/g)].map((m) => m[1] as string))],
    mention_everyone: false,
    attachments: message.attachments.map(attachmentPayload),
    embeds: [],
    components: structuredClone(message.components) as unknown as NonNullable<APIMessage['components']>,
    timestamp: iso(message.createdAt),
    edited_timestamp: message.editedAt === undefined ? null : iso(message.editedAt),
    flags: message.flags,
    pinned: false,
    tts: false,
    ...(message.webhookId !== undefined && { webhook_id: message.webhookId, application_id: world.bot.id }),
    ...(reactions.length > 0 && { reactions }),
    ...(message.forwardOf && forwardFields(world, message.forwardOf)),
  };
}

/**
 * What makes a message a forward: a reference of type FORWARD (1) to the original, and a snapshot of
 * the original's content and attachments (MessageSnapshotResponse); the forward's own content is empty.
 */
function forwardFields(
  world: World,
  original: FakeMessage,
): Pick<APIMessage, 'message_reference' | 'message_snapshots'> {
  const guildId = world.channels.get(original.channelId)?.guildId;
  const shown = messagePayload(world, original);
  return {
    message_reference: {
      type: MessageReferenceType.Forward,
      channel_id: original.channelId,
      message_id: original.id,
      ...(guildId !== undefined && { guild_id: guildId }),
    },
    message_snapshots: [
      {
        message: {
          type: shown.type,
          content: shown.content,
          mentions: shown.mentions,
          mention_roles: shown.mention_roles,
          attachments: shown.attachments,
          embeds: shown.embeds,
          timestamp: shown.timestamp,
          edited_timestamp: shown.edited_timestamp,
          flags: shown.flags ?? (NO_FLAGS as MessageFlags),
          components: shown.components ?? [],
        },
      },
    ],
  };
}

/**
 * A message as the gateway sends it (MESSAGE_CREATE): with guild, member and channel type. Without
 * the Message Content intent, guild messages that do not mention the bot come without their content,
 * attachments and embeds, as Discord sends them.
 */
export function gatewayMessagePayload(
  world: World,
  message: FakeMessage,
  contentIntent: boolean,
): GatewayMessageCreateDispatchData {
  const channel = world.channels.get(message.channelId);
  const guildId = channel?.guildId;
  const readable =
    contentIntent ||
    guildId === undefined ||
    message.authorId === world.bot.id ||
    message.mentions.includes(world.bot.id);
  const base = messagePayload(world, message);
  const hidden = { content: '', attachments: [], embeds: [], components: [] };
  return {
    ...base,
    ...(!readable && hidden),
    // A forward's snapshot is content too: hidden the same way.
    ...(!readable &&
      base.message_snapshots && {
        message_snapshots: base.message_snapshots.map((s) => ({ message: { ...s.message, ...hidden } })),
      }),
    ...(channel && { channel_type: channel.type }),
    ...(guildId !== undefined && {
      guild_id: guildId,
      member: partialMemberPayload(world.guild(guildId), message.authorId),
    }),
  };
}

/** A guild member as MESSAGE_CREATE carries it: without the user, who is the message's author. */
export function partialMemberPayload(guild: FakeGuild, userId: string): Omit<APIGuildMember, 'user'> {
  return {
    roles: guild.members.get(userId) ?? [],
    joined_at: iso(Date.now()),
    deaf: false,
    mute: false,
    flags: NO_FLAGS as GuildMemberFlags,
    nick: null,
    avatar: null,
    banner: null,
    premium_since: null,
    pending: false,
    communication_disabled_until: null,
  };
}

/** A guild member with its user (GUILD_CREATE, interactions, reactions). */
export function memberPayload(world: World, guild: FakeGuild, userId: string): APIGuildMember {
  return { ...partialMemberPayload(guild, userId), user: userPayload(world.user(userId)) };
}

/** A channel as GET /channels/{id} and thread creation return it. */
export function channelPayload(
  world: World,
  channel: FakeChannel,
): APIDMChannel | APITextChannel | APIThreadChannel {
  if (channel.type === ChannelType.DM) return dmPayload(world, channel);
  if (channel.type === ChannelType.GuildText) return textChannelPayload(channel);
  return threadPayload(world, channel);
}

/** A DM channel with its one recipient. */
export function dmPayload(world: World, channel: FakeChannel): APIDMChannel {
  const recipient = channel.recipientId === undefined ? undefined : world.users.get(channel.recipientId);
  return {
    id: channel.id,
    type: ChannelType.DM,
    flags: NO_FLAGS as ChannelFlags,
    name: null,
    last_message_id: null,
    recipients: recipient ? [userPayload(recipient)] : [],
  };
}

/** A guild text channel (the fake withholds rights per channel in its own state, not by overwrites). */
export function textChannelPayload(channel: FakeChannel): APITextChannel {
  return {
    id: channel.id,
    type: ChannelType.GuildText,
    guild_id: channel.guildId ?? '',
    name: channel.name,
    flags: NO_FLAGS as ChannelFlags,
    last_message_id: null,
    rate_limit_per_user: 0,
    parent_id: null,
    position: 0,
    permission_overwrites: [],
    nsfw: false,
    topic: null,
  };
}

/** A thread with its metadata (archived, locked, when it was made). */
export function threadPayload(world: World, channel: FakeChannel): APIThreadChannel {
  const messages = world.messagesIn(channel.id).length;
  return {
    id: channel.id,
    type: ChannelType.PublicThread,
    guild_id: channel.guildId ?? '',
    name: channel.name,
    flags: NO_FLAGS as ChannelFlags,
    last_message_id: null,
    rate_limit_per_user: 0,
    parent_id: channel.parentId ?? '',
    owner_id: channel.ownerId ?? world.bot.id,
    message_count: messages,
    total_message_sent: messages,
    member_count: 1,
    thread_metadata: {
      archived: false,
      archive_timestamp: iso(channel.createdAt),
      auto_archive_duration: 1440,
      locked: false,
      create_timestamp: iso(channel.createdAt),
    },
  };
}
