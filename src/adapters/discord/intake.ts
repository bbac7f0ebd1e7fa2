import type { ConversationKey } from '../../core/conversation.js';
import type { Logger } from '../../core/logger.js';
import type { MessagePlace } from '../../core/messages.js';
import type { Store } from '../../store/types.js';
import type { AdapterOrchestrator } from '../adapter.js';
import { type DownloadPolicy, downloadFiles } from '../kit/downloads.js';
import type { RateBudget } from '../kit/rate-budget.js';
import { DISCORD_ERROR_CODES, describeError, discordErrorCode } from './discord-errors.js';
import type { DiscordReplyTo } from './discord-surface.js';
import type { AttachmentFacts } from './parse.js';
import type { DiscordPort } from './rest-port.js';
import { sharedFilesOf } from './shared-files.js';

/** How long "this Discord event was taken" is remembered: the gateway replays within minutes. */
export const DEFAULT_EVENT_DEDUPE_TTL_MS = 24 * 60 * 60 * 1000;

/** A question the bot has decided to answer, and where. */
export interface Question {
  /** The message's id, or the interaction's for /ask. */
  id: string;
  key: ConversationKey;
  /** The thread or DM channel the answer goes to. */
  channel: string;
  userId: string;
  text: string;
  attachments: readonly AttachmentFacts[];
  /** Where it was asked (see `discordPlace`): what chooses the conversation's profile. */
  where: MessagePlace;
}

/** What the intake works with. */
export interface IntakeDeps {
  port: DiscordPort;
  budget: RateBudget;
  orchestrator: AdapterOrchestrator;
  store: Store;
  logger: Logger;
  attachments: DownloadPolicy;
}

/** What became of a question. */
export type IntakeOutcome = Awaited<ReturnType<AdapterOrchestrator['submit']>> | 'nothing_to_ask';

/** The steps shared by mentions, DMs and /ask: claim the event once, open and own threads, hand questions on. */
export class Intake {
  constructor(private readonly deps: IntakeDeps) {}

  /**
   * True the first time an event is seen. Side effects (a thread, notes) come before the
   * orchestrator's own dedupe, so a gateway redelivery must stop here.
   */
  claim(event: string): Promise<boolean> {
    return this.deps.store.dedupe.claim(`discord:event:${event}`, DEFAULT_EVENT_DEDUPE_TTL_MS);
  }

  /** Starts a thread from a message; when one exists already (160004), that one, which has the message's id. */
  async openThread(channelId: string, messageId: string, name: string): Promise<string> {
    await this.deps.budget.acquire();
    try {
      return await this.deps.port.startThread(channelId, messageId, name);
    } catch (error) {
      if (discordErrorCode(error) !== DISCORD_ERROR_CODES.threadAlreadyCreated) throw error;
      return messageId;
    }
  }

  /** The bot owns this thread from now on: later messages there need no mention (kept in the store). */
  async own(key: ConversationKey, userId: string): Promise<void> {
    if (await this.deps.store.follows.get(key)) return;
    await this.deps.store.follows.follow(key, { since: Date.now(), startedBy: userId });
  }

  /** Downloads the attachments (a note for each refused one), then submits to the orchestrator. */
  async submit(question: Question): Promise<IntakeOutcome> {
    const { files, refused } = await downloadFiles(
      sharedFilesOf(question.attachments),
      this.deps.attachments,
    );
    for (const line of refused) await this.note(question.channel, `⚠️ Attachment skipped: ${line}`);
    const text = question.text.trim();
    if (text === '' && files.length === 0) {
      if (refused.length === 0)
        await this.note(question.channel, 'Ask me something, and I will answer here.');
      return 'nothing_to_ask';
    }
    const replyTo: DiscordReplyTo = { channel: question.channel, key: question.key };
    return this.deps.orchestrator.submit({
      id: question.id,
      key: question.key,
      userId: question.userId,
      text: text === '' ? 'See the attached file.' : text,
      files,
      replyTo: { ...replyTo },
      receivedAt: Date.now(),
      where: question.where,
    });
  }

  /** A short line outside any answer; when even that is refused, a log line says why. */
  async note(channelId: string, text: string): Promise<void> {
    await this.deps.budget.acquire();
    try {
      await this.deps.port.post(channelId, text);
    } catch (error) {
      this.deps.logger.error(
        { channel: channelId, ...describeError(error) },
        'could not post a note on Discord',
      );
    }
  }
}
