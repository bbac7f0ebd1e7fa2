import type {
  Attachment,
  ChatInputCommandInteraction,
  GuildMember,
  Message,
  MessageReaction,
  PartialMessageReaction,
  PartialUser,
  TextBasedChannel,
  User,
} from 'discord.js';
import { forwardedMessages, withForwarded } from './forwards.js';
import type { AttachmentFacts, MessageFacts, Place } from './parse.js';

/**
 * Reads the facts the rules in parse.ts need from discord.js objects. The only async part: a thread
 * discord.js has not cached yet is fetched once, to learn the channel it belongs to.
 */

export function attachmentFacts(attachment: Attachment): AttachmentFacts {
  return {
    name: attachment.name,
    url: attachment.url,
    size: attachment.size,
    contentType: attachment.contentType ?? undefined,
  };
}

/** The parent of a thread (undefined for anything else), fetching the thread when it is only a partial. */
async function parentOf(channel: TextBasedChannel | null): Promise<string | undefined> {
  if (!channel?.isThread()) return undefined;
  if (channel.parentId) return channel.parentId;
  const fetched = await channel.fetch();
  return fetched.parentId ?? undefined;
}

/** The role ids of a guild member, cached (GuildMember) or as the API sent it. */
export function roleIdsOf(member: GuildMember | { roles: string[] } | null | undefined): string[] {
  if (!member) return [];
  return Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
}

/** The facts of one gateway message. */
export async function messageFacts(message: Message, botId: string): Promise<MessageFacts> {
  const isDm = !message.inGuild();
  const botRoleId = message.guild?.roles.botRoleFor(botId)?.id;
  const read = (m: Pick<Message, 'content' | 'attachments'>) => ({
    content: m.content,
    attachments: m.attachments.map(attachmentFacts),
  });
  const { content, attachments } = withForwarded(read(message), forwardedMessages(message).map(read));
  return {
    id: message.id,
    channelId: message.channelId,
    guildId: message.guildId ?? undefined,
    isDm,
    parentId: isDm ? undefined : await parentOf(message.channel),
    authorId: message.author.id,
    authorName: message.author.username,
    fromBot: message.author.bot || message.webhookId !== null,
    system: message.system || message.author.system === true,
    content,
    mentionsBot:
      message.mentions.users.has(botId) || (botRoleId !== undefined && message.mentions.roles.has(botRoleId)),
    botRoleId,
    roleIds: roleIdsOf(message.member),
    attachments,
  };
}

/** Where a slash command was used and by whom, for the allowlists and for choosing the conversation. */
export interface CommandFacts {
  place: Place;
  channelId: string;
  isDm: boolean;
  /** Set when the command was used inside a thread. */
  parentId: string | undefined;
  userName: string;
}

/** The facts of one slash command. */
export async function commandFacts(interaction: ChatInputCommandInteraction): Promise<CommandFacts> {
  const isDm = !interaction.inGuild();
  const channel =
    interaction.channel ??
    (isDm
      ? null
      : ((await interaction.client.channels.fetch(interaction.channelId)) as TextBasedChannel | null));
  const parentId = isDm ? undefined : await parentOf(channel);
  return {
    place: {
      guildId: interaction.guildId ?? undefined,
      channelIds: parentId === undefined ? [interaction.channelId] : [interaction.channelId, parentId],
      userId: interaction.user.id,
      roleIds: roleIdsOf(
        interaction.inGuild() ? (interaction.member as GuildMember | { roles: string[] }) : null,
      ),
    },
    channelId: interaction.channelId,
    isDm,
    parentId,
    userName: interaction.user.username,
  };
}

/** Who reacted and where, for the allowlists; the member comes with the event in guilds. */
export async function reactionPlace(
  reaction: MessageReaction | PartialMessageReaction,
  user: User | PartialUser,
): Promise<Place> {
  const message = reaction.message;
  const guild = message.guild;
  const parentId = guild ? await parentOf(message.channel) : undefined;
  return {
    guildId: guild?.id,
    channelIds: parentId === undefined ? [message.channelId] : [message.channelId, parentId],
    userId: user.id,
    roleIds: roleIdsOf(guild?.members.cache.get(user.id)),
  };
}
