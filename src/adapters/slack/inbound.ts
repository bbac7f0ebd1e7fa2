import type { Allowlist, LimitsConfig } from '../../config/types.js';
import type { ConversationKey } from '../../core/conversation.js';
import { errorCode, USER_MESSAGES } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { usageReport } from '../../render/usage-report.js';
import { StoreUnavailableError } from '../../store/store-failures.js';
import type { AdapterOrchestrator, AdapterStore } from '../adapter.js';
import { isAllowed } from '../kit/access.js';
import type { NoticeTone } from '../kit/chat-surface.js';
import type { SharedFile } from '../kit/downloads.js';
import type { Intake, IntakeOutcome } from '../kit/intake.js';
import { markdownBody } from './blocks.js';
import { completeConnectFiles } from './connect-files.js';
import { postNotice } from './notices.js';
import {
  accessOf,
  addressOf,
  type BotIdentity,
  isUserMessage,
  mentions,
  placeOf,
  plainText,
  type SlackAddress,
  type SlackMessageEvent,
  slackKey,
  type ThreadCommand,
  threadCommand,
  titleFrom,
} from './parse.js';
import type { RecentConversations } from './recent.js';
import { replyToOf } from './reply-to.js';
import { sharedFileOf } from './shared-files.js';
import type { SlackApi } from './slack-api.js';

/** Earlier thread messages given to the assistant when it is first mentioned inside a thread. */
const THREAD_CONTEXT_MESSAGES = 20;
const THREAD_CONTEXT_CHARS = 6_000;

/** What the inbound side works with. */
export interface InboundDeps {
  orchestrator: AdapterOrchestrator;
  store: AdapterStore;
  logger: Logger;
  api: SlackApi;
  allow: Allowlist;
  /** The kit's intake: event marks, followed threads, downloads, submission. */
  intake: Intake;
  /** Shown by `!usage`. */
  limits: LimitsConfig;
  recent: RecentConversations;
  now: () => number;
}

/** What became of a message event (for logs, and for tests and metrics through `onHandled`). */
export type InboundOutcome =
  | 'not_a_user_message'
  | 'duplicate'
  | 'not_allowed'
  | 'not_addressed'
  | 'command'
  | 'submitted'
  | 'nothing_to_answer'
  | 'failed'
  /** The store stayed unreachable: the user was asked to send it again. */
  | 'not_taken';

/** The envelope around an event: the workspace it is for and Slack's id of this delivery. */
export interface Envelope {
  team: string;
  eventId: string | undefined;
}

/** What was learnt of a message while it was claimed: it mentions the bot, or is in a thread the bot follows. */
interface SeenSoFar {
  mentioned: boolean;
  followed: boolean;
}

/**
 * Messages and mentions: decides whether to answer, marks the message processed in the shared store
 * (its channel + ts, so the `app_mention` + `message` pair and Slack's retries give one answer across
 * instances), then downloads files and submits it to the orchestrator.
 * While the store cannot be reached, messages wait in order per thread (the intake's hold) and are
 * taken once it is back; a message for the bot that waits too long gets a short "send it again".
 */
export class SlackInbound {
  constructor(private readonly deps: InboundDeps) {}

  /** Marks `mark` processed; false if this or another instance already did. `holder`: see `Intake.claim`. */
  claim(mark: string, holder?: string): Promise<boolean> {
    return this.deps.intake.claim(mark, holder);
  }

  /**
   * A `message` or `app_mention` event: answered, acted on as a command, or left alone (the outcome
   * says which). DMs and mentions are for the bot; other messages only in a thread it follows.
   */
  async onMessage(
    event: SlackMessageEvent,
    envelope: Envelope,
    bot: BotIdentity,
    isMention: boolean,
  ): Promise<InboundOutcome> {
    if (!isUserMessage(event, bot)) return 'not_a_user_message';
    const arrivedAt = this.deps.now();
    const address = addressOf(event, envelope.team);
    if (
      !isAllowed(
        this.deps.allow,
        accessOf({ team: address.team, channel: address.channel, user: address.user }),
      )
    ) {
      return 'not_allowed';
    }
    const key = slackKey(address.team, address.channel, address.thread);
    const mentioned = isMention || mentions(event.text ?? '', bot.userId);
    const dm = address.surface === 'dm';
    // Only a thread can be followed: a new channel message without a mention is not for the bot.
    if (!dm && !mentioned && event.thread_ts === undefined) return 'not_addressed';
    // The message's channel and ts, not Slack's event id: a retry of the event, and the `app_mention`
    // + `message` pair, name the same message (one mark, one store write, before the answer).
    const messageMark = `message:${event.channel}:${event.ts}`;
    // Known once the store said so (or remembered it): a follow-up in a thread the bot follows.
    let followed = false;
    return this.deps.intake.hold(
      key,
      arrivedAt,
      async (holder) => {
        followed = !dm && !mentioned && (await this.deps.intake.isFollowed(key));
        if (!dm && !mentioned && !followed) return 'not_addressed';
        if (!(await this.claim(messageMark, holder))) return 'duplicate';
        return this.acceptOrSay(event, address, key, bot, { mentioned, followed }, arrivedAt);
      },
      async (holder) => {
        // Another delivery of the message held here too (a retry, the app_mention + message pair) speaks for both.
        const here = (mark: string) => this.deps.intake.claimHere(mark, holder);
        if (!here(messageMark)) return 'duplicate';
        if (!dm && !mentioned && !followed) {
          this.deps.logger.warn(
            { conversation: key },
            'Slack: a thread message went untaken: the store stayed unreachable',
          );
          return 'not_taken';
        }
        await this.notice(address, USER_MESSAGES.message_not_taken, 'warning');
        return 'not_taken';
      },
    );
  }

  /** Accepts a message; a failure the user is told of, except an unreachable store, which the hold waits out. */
  private async acceptOrSay(
    event: SlackMessageEvent,
    address: SlackAddress,
    key: ConversationKey,
    bot: BotIdentity,
    seen: SeenSoFar,
    arrivedAt: number,
  ): Promise<InboundOutcome> {
    try {
      return await this.accept(event, address, key, bot, seen, arrivedAt);
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      this.deps.logger.error({ err: error, conversation: key }, 'Slack: could not take a message');
      await this.notice(address, USER_MESSAGES[errorCode(error)], 'warning');
      return 'failed';
    }
  }

  /** A message the bot answers: an in-thread command, or a question for the assistant. */
  private async accept(
    event: SlackMessageEvent,
    address: SlackAddress,
    key: ConversationKey,
    bot: BotIdentity,
    { mentioned, followed }: SeenSoFar,
    arrivedAt: number,
  ): Promise<InboundOutcome> {
    const plain = plainText(event.text ?? '', bot.userId);
    const command = threadCommand(plain, mentioned || address.surface === 'dm');
    if (command) {
      await this.runThreadCommand(command, key, address);
      return 'command';
    }

    // A follow-up was found followed while it was claimed: no second read on the way to the answer.
    const known = followed || (await this.deps.intake.isFollowed(key));
    if (!known) {
      await this.deps.intake.follow(key, address.user);
      if (address.surface === 'dm') await this.setTitle(address, plain);
    }
    // Slack Connect sends stubs in place of other organisations' files: files.info completes them.
    const shared = await completeConnectFiles(event.files ?? [], this.deps.api);
    for (const line of shared.refused) await this.notice(address, `Attachment skipped: ${line}`, 'warning');
    const files = shared.files.map(sharedFileOf);
    if (plain === '' && files.length === 0 && shared.refused.length > 0) return 'nothing_to_answer';
    const inThread = event.thread_ts !== undefined && event.thread_ts !== event.ts;
    const asks = plain !== '' || files.length > 0;
    const context =
      asks && !known && inThread && address.surface === 'channel' ? await this.threadContext(event) : '';
    const outcome = await this.submit(address, key, event.ts, context + plain, files, arrivedAt);
    return outcome === 'nothing_to_ask' ? 'nothing_to_answer' : 'submitted';
  }

  /** Hands a message (and its shared files) to the kit's intake; its answer goes to `address`. */
  async submit(
    address: SlackAddress,
    key: ConversationKey,
    id: string,
    text: string,
    files: readonly SharedFile[] = [],
    receivedAt?: number,
  ): Promise<IntakeOutcome> {
    this.deps.recent.remember(address.channel, address.user, key);
    return this.deps.intake.submit({
      id,
      key,
      userId: address.user,
      text,
      files,
      replyTo: replyToOf(address, key),
      // The message's ts is Slack's time for it: the platform's order, whichever instance received it.
      ...(Number.isFinite(Number(id)) ? { sentAt: Number(id) * 1000 } : {}),
      where: placeOf(address),
      ...(receivedAt === undefined ? {} : { receivedAt }),
    });
  }

  /** `!reset` / `!cancel` / `!usage` (or `@bot reset`): act on this thread and say so. */
  private async runThreadCommand(command: ThreadCommand, key: ConversationKey, address: SlackAddress) {
    if (command === 'usage') return this.usage(key, address);
    if (command === 'reset') {
      await this.deps.orchestrator.reset(key);
      return this.notice(address, 'Started a new conversation in this thread.');
    }
    // A cancelled run says so itself when it ends; only "nothing to stop" needs a line here.
    if (!(await this.deps.orchestrator.cancel(key)))
      await this.notice(address, 'Nothing is running in this thread.');
  }

  /**
   * `!usage`: today's tokens of the user and, when the bot serves this thread, of its conversation.
   * Posted in the thread: the fake Slack has no `chat.postEphemeral` yet.
   */
  private async usage(key: ConversationKey, address: SlackAddress): Promise<void> {
    const now = new Date(this.deps.now());
    const served = await this.deps.intake.isFollowed(key);
    const [user, conversation] = await Promise.all([
      this.deps.store.usage.forUser(address.user, now),
      served ? this.deps.store.usage.forConversation(key, now) : undefined,
    ]);
    await this.deps.api.call('chat.postMessage', {
      channel: address.channel,
      thread_ts: address.thread,
      ...markdownBody(usageReport({ user, conversation, limits: this.deps.limits })),
    });
  }

  /** What the thread said before the bot was first mentioned in it, so the assistant has the context. */
  private async threadContext(event: SlackMessageEvent): Promise<string> {
    try {
      const result = await this.deps.api.call('conversations.replies', {
        channel: event.channel,
        ts: event.thread_ts,
        limit: THREAD_CONTEXT_MESSAGES + 1,
      });
      const messages = (result.messages ?? []) as readonly SlackMessageEvent[];
      const lines = messages
        .filter((m) => m.ts !== event.ts && (m.text ?? '').trim() !== '')
        .slice(-THREAD_CONTEXT_MESSAGES)
        .map(
          (m) =>
            `${m.bot_id === undefined ? `@${m.user ?? 'someone'}` : 'bot'}: ${plainText(m.text ?? '', undefined)}`,
        );
      if (lines.length === 0) return '';
      const history = lines.join('\n').slice(-THREAD_CONTEXT_CHARS);
      return `Earlier in this Slack thread:\n${history}\n\nThe message to answer:\n`;
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'Slack: could not read the thread; answering without it');
      return '';
    }
  }

  private async setTitle(address: SlackAddress, plain: string): Promise<void> {
    await this.deps.api
      .call('assistant.threads.setTitle', {
        channel_id: address.channel,
        thread_ts: address.thread,
        title: titleFrom(plain),
      })
      .catch((err: unknown) =>
        this.deps.logger.debug({ err }, 'Slack: setTitle failed (no assistant view?)'),
      );
  }

  /** A short line in the thread; a failure to post it is logged, never thrown. */
  notice(address: SlackAddress, text: string, tone?: NoticeTone): Promise<void> {
    return postNotice(this.deps.api, address, text, tone, this.deps.logger);
  }
}
