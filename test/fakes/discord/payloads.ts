import {
  type APIApplicationCommandInteractionDataBasicOption,
  type APIAttachment,
  type APIChatInputApplicationCommandInteraction,
  type APIDMChannel,
  type APIGuildMember,
  type APIMessage,
  type APIMessageComponentInteraction,
  type APIRole,
  type APITextChannel,
  type APIThreadChannel,
  type APIUser,
  ApplicationCommandType,
  type ApplicationFlags,
  ApplicationIntegrationType,
  type ChannelFlags,
  ChannelType,
  ComponentType,
  type GatewayGuildCreateDispatchData,
  type GatewayMessageCreateDispatchData,
  type GatewayMessageReactionAddDispatchData,
  type GatewayReadyDispatchData,
  type GuildMemberFlags,
  type GuildSystemChannelFlags,
  InteractionContextType,
  InteractionType,
  Locale,
  type MessageFlags,
  MessageReferenceType,
  type RoleFlags,
  type UserFlags,
} from 'discord.js';
import { type GatewaySession, shardOf } from './gateway.js';
import type {
  FakeAttachment,
  FakeChannel,
  FakeGuild,
  FakeInteraction,
  FakeMessage,
  FakeUser,
  World,
} from './world.js';

/**
 * The world as the API shows it: REST bodies (checked against the OpenAPI document by the spec
 * tests) and gateway payloads, typed with discord-api-types (the document has no gateway), so a
 * payload missing a field discord.js relies on does not compile.
 */

/** Discord sends 0 for "no flags"; discord-api-types' flag enums have no member for it. */
const NO_FLAGS = 0;

/** The bot may do anything in the fake's guild; permissions are withheld per channel instead. */
const ALL_PERMISSIONS = '2248473465835073';

const iso = (ms: number) => new Date(ms).toISOString();

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

function dmPayload(world: World, channel: FakeChannel): APIDMChannel {
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

function textChannelPayload(channel: FakeChannel): APITextChannel {
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

function threadPayload(world: World, channel: FakeChannel): APIThreadChannel {
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

/** A role; a bot's managed role is tagged with the bot's id, which is how discord.js finds it. */
function rolePayload(role: FakeGuild['roles'][number], position: number): APIRole {
  return {
    id: role.id,
    name: role.name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions: '0',
    managed: role.botId !== undefined,
    mentionable: false,
    flags: NO_FLAGS as RoleFlags,
    ...(role.botId !== undefined && { tags: { bot_id: role.botId } }),
  };
}

/** GUILD_CREATE: the guild with its roles, channels, active threads and the members the fake knows. */
export function guildCreatePayload(world: World, guild: FakeGuild): GatewayGuildCreateDispatchData {
  const channels = [...world.channels.values()].filter((c) => c.guildId === guild.id);
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    system_channel_id: null,
    system_channel_flags: NO_FLAGS as GuildSystemChannelFlags,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    preferred_locale: Locale.EnglishUS,
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    features: [],
    emojis: [],
    stickers: [],
    roles: guild.roles.map(rolePayload),
    joined_at: iso(Date.now()),
    large: false,
    unavailable: false,
    member_count: guild.members.size,
    voice_states: [],
    members: [...guild.members.keys()].map((id) => memberPayload(world, guild, id)),
    channels: channels.filter((c) => c.type === ChannelType.GuildText).map(textChannelPayload),
    threads: channels.filter((c) => c.type === ChannelType.PublicThread).map((c) => threadPayload(world, c)),
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    application_id: null,
    hub_type: null,
    safety_alerts_channel_id: null,
    incidents_data: null,
  };
}

/** INTERACTION_CREATE for a chat-input command, with its resolved attachments. */
export function interactionPayload(
  world: World,
  interaction: FakeInteraction,
): APIChatInputApplicationCommandInteraction {
  const channel = world.channels.get(interaction.channelId);
  if (!channel) throw new Error(`fake Discord: no channel ${interaction.channelId}`);
  const guild = interaction.guildId === undefined ? undefined : world.guild(interaction.guildId);
  const attachments = Object.fromEntries(interaction.attachments.map((a) => [a.id, attachmentPayload(a)]));
  const common = {
    id: interaction.id,
    application_id: world.bot.id,
    type: InteractionType.ApplicationCommand as const,
    token: interaction.token,
    version: 1 as const,
    locale: Locale.EnglishUS,
    app_permissions: ALL_PERMISSIONS,
    entitlements: [],
    attachment_size_limit: 10 * 1024 * 1024,
    channel_id: interaction.channelId,
    data: {
      id: interaction.name,
      name: interaction.name,
      type: ApplicationCommandType.ChatInput as const,
      options: interaction.options as APIApplicationCommandInteractionDataBasicOption[],
      ...(interaction.attachments.length > 0 && { resolved: { attachments } }),
    },
  };
  if (!guild) {
    return {
      ...common,
      channel: dmPayload(world, channel),
      authorizing_integration_owners: { [ApplicationIntegrationType.UserInstall]: interaction.userId },
      context: InteractionContextType.BotDM,
      user: userPayload(world.user(interaction.userId)),
    };
  }
  return {
    ...common,
    channel:
      channel.type === ChannelType.PublicThread ? threadPayload(world, channel) : textChannelPayload(channel),
    authorizing_integration_owners: { [ApplicationIntegrationType.GuildInstall]: guild.id },
    context: InteractionContextType.Guild,
    guild_id: guild.id,
    guild: { id: guild.id, locale: Locale.EnglishUS, features: [] },
    guild_locale: Locale.EnglishUS,
    member: { ...memberPayload(world, guild, interaction.userId), permissions: ALL_PERMISSIONS },
  };
}

/** INTERACTION_CREATE for a button click (MESSAGE_COMPONENT), with the message the button is on. */
export function componentInteractionPayload(
  world: World,
  interaction: FakeInteraction,
): APIMessageComponentInteraction {
  const channel = world.channels.get(interaction.channelId);
  const message = world.messages.get(interaction.messageId ?? '');
  if (!channel || !message) throw new Error(`fake Discord: no message ${interaction.messageId}`);
  const guild = interaction.guildId === undefined ? undefined : world.guild(interaction.guildId);
  const common = {
    id: interaction.id,
    application_id: world.bot.id,
    type: InteractionType.MessageComponent as const,
    token: interaction.token,
    version: 1 as const,
    locale: Locale.EnglishUS,
    app_permissions: ALL_PERMISSIONS,
    entitlements: [],
    attachment_size_limit: 10 * 1024 * 1024,
    channel_id: interaction.channelId,
    message: messagePayload(world, message),
    data: { custom_id: interaction.customId ?? '', component_type: ComponentType.Button as const },
  };
  if (!guild) {
    return {
      ...common,
      channel: dmPayload(world, channel),
      authorizing_integration_owners: { [ApplicationIntegrationType.UserInstall]: interaction.userId },
      context: InteractionContextType.BotDM,
      user: userPayload(world.user(interaction.userId)),
    };
  }
  return {
    ...common,
    channel:
      channel.type === ChannelType.PublicThread ? threadPayload(world, channel) : textChannelPayload(channel),
    authorizing_integration_owners: { [ApplicationIntegrationType.GuildInstall]: guild.id },
    context: InteractionContextType.Guild,
    guild_id: guild.id,
    guild: { id: guild.id, locale: Locale.EnglishUS, features: [] },
    guild_locale: Locale.EnglishUS,
    member: { ...memberPayload(world, guild, interaction.userId), permissions: ALL_PERMISSIONS },
  };
}

/** The guilds on a session's shard, as Discord splits them: `(guild_id >> 22) % num_shards`. */
export function guildsOn(world: World, session: Pick<GatewaySession, 'shard'>): FakeGuild[] {
  const [id, count] = session.shard;
  return [...world.guilds.values()].filter((guild) => shardOf(guild.id, count) === id);
}

/**
 * READY: the bot, the guilds on the session's shard (unavailable until their GUILD_CREATE), the
 * session, its shard and where to resume it.
 */
export function readyPayload(
  world: World,
  session: Pick<GatewaySession, 'id' | 'shard'>,
  resumeUrl: string,
): GatewayReadyDispatchData {
  return {
    v: 10,
    user: userPayload(world.bot),
    guilds: guildsOn(world, session).map((guild) => ({ id: guild.id, unavailable: true })),
    session_id: session.id,
    resume_gateway_url: resumeUrl,
    shard: [...session.shard],
    application: { id: world.bot.id, flags: NO_FLAGS as ApplicationFlags, flags_new: '0' },
  };
}

/** MESSAGE_REACTION_ADD: who reacted with what; in a guild with the member, as Discord sends it. */
export function reactionAddPayload(
  world: World,
  channel: FakeChannel,
  message: FakeMessage,
  userId: string,
  emoji: string,
): GatewayMessageReactionAddDispatchData {
  const guild = channel.guildId === undefined ? undefined : world.guild(channel.guildId);
  return {
    user_id: userId,
    channel_id: channel.id,
    message_id: message.id,
    message_author_id: message.authorId,
    emoji: { id: null, name: emoji },
    burst: false,
    type: 0,
    ...(guild && { guild_id: guild.id, member: memberPayload(world, guild, userId) }),
  };
}
