import {
  type APIApplicationCommandInteractionDataBasicOption,
  type APIChatInputApplicationCommandInteraction,
  type APIMessageComponentInteraction,
  type APIRole,
  ApplicationCommandType,
  type ApplicationFlags,
  ApplicationIntegrationType,
  ChannelType,
  ComponentType,
  type GatewayGuildCreateDispatchData,
  type GatewayMessageReactionAddDispatchData,
  type GatewayReadyDispatchData,
  type GuildSystemChannelFlags,
  InteractionContextType,
  InteractionType,
  Locale,
  type RoleFlags,
} from 'discord.js';
import { type GatewaySession, shardOf } from './gateway.js';
import {
  ALL_PERMISSIONS,
  attachmentPayload,
  dmPayload,
  iso,
  memberPayload,
  messagePayload,
  NO_FLAGS,
  textChannelPayload,
  threadPayload,
  userPayload,
} from './payloads.js';
import type { FakeChannel, FakeGuild, FakeInteraction, FakeMessage, World } from './world.js';

/**
 * The gateway's dispatches and the interactions the fake sends: GUILD_CREATE with its roles and
 * channels, READY per shard, INTERACTION_CREATE for commands and buttons, MESSAGE_REACTION_ADD.
 */

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
