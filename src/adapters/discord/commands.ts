import {
  ApplicationIntegrationType,
  type ChatInputCommandInteraction,
  InteractionContextType,
  MessageFlags,
  type REST,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  Routes,
  SlashCommandBuilder,
} from 'discord.js';
import type { LimitsConfig } from '../../config/types.js';
import type { ConversationKey } from '../../core/conversation.js';
import type { Logger } from '../../core/logger.js';
import { usageReport } from '../../render/usage-report.js';
import type { AdapterOrchestrator, AdapterStore } from '../adapter.js';
import { isAllowed } from '../kit/access.js';
import type { Intake } from '../kit/intake.js';
import type { DiscordConfig } from './config.js';
import { DISCORD_ERROR_CODES, describeError, discordErrorCode } from './discord-errors.js';
import { DISCORD_MAX_LENGTH } from './discord-surface.js';
import { attachmentFacts, type CommandFacts, commandFacts } from './facts.js';
import { accessOf, discordPlace, dmKey, threadKey, threadName } from './parse.js';
import { sharedFilesOf } from './shared-files.js';

/** The slash commands, registered at start: /ask prompt [file], /reset, /cancel, /usage; usable in servers and DMs. */
export function commandDefinitions(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const base = (name: string, description: string) =>
    new SlashCommandBuilder()
      .setName(name)
      .setDescription(description)
      .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
      .setIntegrationTypes(ApplicationIntegrationType.GuildInstall);
  return [
    base('ask', 'Ask the assistant; the answer comes in a new thread')
      .addStringOption((o) =>
        o.setName('prompt').setDescription('Your question').setRequired(true).setMaxLength(4000),
      )
      .addAttachmentOption((o) =>
        o.setName('file').setDescription('A file for the assistant to read: data, a document or a picture'),
      )
      .toJSON(),
    base('reset', 'Start a new conversation in this thread or DM').toJSON(),
    base('cancel', 'Stop the answer being written here').toJSON(),
    base('usage', 'Your token usage today, and the limits').toJSON(),
  ];
}

/**
 * Registers the commands: in one guild when `guildId` is set (they appear at once), else globally
 * (Discord takes a while to show them everywhere). A failure is logged, not fatal: mentions and DMs work without.
 */
export async function registerCommands(
  rest: REST,
  applicationId: string,
  guildId: string | undefined,
  logger: Logger,
): Promise<void> {
  const route =
    guildId === undefined
      ? Routes.applicationCommands(applicationId)
      : Routes.applicationGuildCommands(applicationId, guildId);
  try {
    await rest.put(route, { body: commandDefinitions() });
  } catch (error) {
    logger.error(
      { guildId, ...describeError(error) },
      'could not register the slash commands: was the bot invited with the `applications.commands` scope (and to DISCORD_GUILD_ID)?',
    );
  }
}

/** What the command handlers work with. */
export interface CommandDeps {
  config: DiscordConfig;
  intake: Intake;
  /** Opens a thread from a message (see threads.ts). */
  openThread: (channelId: string, messageId: string, name: string) => Promise<string>;
  orchestrator: AdapterOrchestrator;
  store: AdapterStore;
  limits: LimitsConfig;
  logger: Logger;
}

const ephemeral = (content: string) => ({ content, flags: MessageFlags.Ephemeral }) as const;

/** The conversation of a DM or a thread; a plain channel has none (mentions there open threads). */
function conversationOf(facts: CommandFacts): ConversationKey | undefined {
  if (facts.isDm) return dmKey(facts.channelId);
  return facts.parentId === undefined ? undefined : threadKey(facts.parentId, facts.channelId);
}

/** Answers one slash command; Discord wants the first answer within 3 s, so slow work is deferred. */
export async function handleCommand(
  interaction: ChatInputCommandInteraction,
  deps: CommandDeps,
): Promise<void> {
  const facts = await commandFacts(interaction);
  if (!isAllowed(deps.config.allow, accessOf(facts.place))) {
    await interaction.reply(ephemeral('You cannot use this bot here.'));
    return;
  }
  switch (interaction.commandName) {
    case 'ask':
      return ask(interaction, facts, deps);
    case 'reset': {
      const key = conversationOf(facts);
      if (!key) {
        await interaction.reply(ephemeral('Use /reset inside a thread I answer in, or in a DM with me.'));
        return;
      }
      // Forgetting the old assistant thread waits for a run to stop: answer Discord first.
      await interaction.deferReply();
      await deps.orchestrator.reset(key);
      await interaction.editReply('🔄 New conversation: what was said here before is forgotten.');
      return;
    }
    case 'cancel': {
      const key = conversationOf(facts);
      const stopped = key !== undefined && (await deps.orchestrator.cancel(key));
      await interaction.reply(
        ephemeral(stopped ? '⏹️ Stopping the answer.' : 'Nothing is being answered here.'),
      );
      return;
    }
    case 'usage':
      return usage(interaction, facts, deps);
    default:
      await interaction.reply(ephemeral('I do not know that command.'));
  }
}

/** /ask: defer at once, show the question as the reply, open a thread from it and answer there. */
async function ask(interaction: ChatInputCommandInteraction, facts: CommandFacts, deps: CommandDeps) {
  try {
    await interaction.deferReply();
  } catch (error) {
    const code = discordErrorCode(error);
    // Acknowledged already (a gateway redelivery) or too late to answer: nothing more to do.
    if (code === DISCORD_ERROR_CODES.alreadyAcknowledged || code === DISCORD_ERROR_CODES.unknownInteraction) {
      deps.logger.info(
        { interaction: interaction.id, ...describeError(error) },
        'slash command not answered',
      );
      return;
    }
    throw error;
  }
  if (!(await deps.intake.claim(`interaction:${interaction.id}`))) return;
  const prompt = interaction.options.getString('prompt', true).trim();
  const file = interaction.options.getAttachment('file');
  const header = `**${facts.userName}** asked: ${prompt}${file ? `\n📎 ${file.name}` : ''}`;
  const reply = await interaction.editReply({
    content: truncate(header, DISCORD_MAX_LENGTH),
    allowedMentions: { parse: [] },
  });

  let channel = facts.channelId;
  let parentChannel = facts.parentId;
  let key = conversationOf(facts);
  if (!key) {
    try {
      channel = await deps.openThread(
        facts.channelId,
        reply.id,
        threadName(prompt, `Question from ${facts.userName}`),
      );
    } catch (error) {
      if (discordErrorCode(error) !== DISCORD_ERROR_CODES.missingPermissions) throw error;
      deps.logger.error(
        { channel: facts.channelId, ...describeError(error) },
        'cannot open a thread for /ask',
      );
      await interaction.followUp(
        ephemeral('I cannot open a thread here: I need the Create Public Threads permission.'),
      );
      return;
    }
    key = threadKey(facts.channelId, channel);
    parentChannel = facts.channelId;
  }
  if (!facts.isDm) await deps.intake.follow(key, interaction.user.id);
  await deps.intake.submit({
    id: interaction.id,
    sentAt: interaction.createdTimestamp,
    key,
    replyTo: { channel, key, user: interaction.user.id },
    userId: interaction.user.id,
    text: prompt,
    files: sharedFilesOf(file ? [attachmentFacts(file)] : []),
    where: discordPlace({ guildId: facts.place.guildId, channel, parentChannel, isDm: facts.isDm }),
  });
}

/** /usage: today's tokens of the user and, in a thread or DM the bot serves, of that conversation; only to the user. */
async function usage(interaction: ChatInputCommandInteraction, facts: CommandFacts, deps: CommandDeps) {
  const now = new Date();
  const key = conversationOf(facts);
  // A DM is always the bot's; a thread only once the bot answers in it.
  const served = key !== undefined && (facts.isDm || (await deps.store.follows.get(key)) !== undefined);
  const [user, conversation] = await Promise.all([
    deps.store.usage.forUser(interaction.user.id, now),
    served ? deps.store.usage.forConversation(key, now) : undefined,
  ]);
  await interaction.reply(ephemeral(usageReport({ user, conversation, limits: deps.limits })));
}

function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
