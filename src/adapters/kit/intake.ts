import { DEFAULT_LIMITS, DEFAULT_STORE_OUTAGE } from '../../config/schema.js';
import type { ConversationKey } from '../../core/conversation.js';
import type { Logger } from '../../core/logger.js';
import type { MessagePlace } from '../../core/messages.js';
import { OutageHold } from '../../orchestrator/intake/outage-hold.js';
import type { AdapterDeps, AdapterOrchestrator, AdapterStore } from '../adapter.js';
import type { NoticeTone } from './chat-surface.js';
import { type DownloadPolicy, downloadFiles, type SharedFile } from './downloads.js';

/** How long "this event was taken" is remembered: platforms redeliver within minutes, Slack retries for an hour. */
export const EVENT_MARK_TTL_MS = 24 * 60 * 60 * 1000;

/** A question an adapter has decided to answer, in neutral terms. */
export interface Question {
  /** The platform's id of the message (or command) asked. */
  id: string;
  key: ConversationKey;
  userId: string;
  text: string;
  /** What the user attached, as the platform describes it: downloaded here, under the policy. */
  files: readonly SharedFile[];
  /** Where the answer goes: handed back to the platform's surface. */
  replyTo: Readonly<Record<string, string>>;
  /** Where it was asked: what chooses the conversation's profile. */
  where: MessagePlace;
  /** When the event arrived (default: when it is submitted); a message held for the store keeps its time. */
  receivedAt?: number;
  /** When the platform says it was written (ms): see `InboundMessage.sentAt`. */
  sentAt?: number;
}

/** What the intake works with; `note` posts a short line where the question was asked. */
export interface IntakeDeps {
  platform: string;
  orchestrator: AdapterOrchestrator;
  store: AdapterStore;
  logger: Logger;
  downloads: DownloadPolicy;
  /** A short line outside any answer (no emoji when `tone` is undefined); never throws. */
  note(replyTo: Readonly<Record<string, string>>, text: string, tone?: NoticeTone): Promise<void>;
  now?: () => number;
  /** STORE_HOLD_MS and MAX_QUEUED_MESSAGES: how events wait for an unreachable store (defaults when absent). */
  storeHold?: AdapterDeps['storeHold'];
}

/** What became of a question. */
export type IntakeOutcome = Awaited<ReturnType<AdapterOrchestrator['submit']>> | 'nothing_to_ask';

/**
 * What every platform does with a message it will answer: claims the event once across instances
 * (redeliveries and retries stop here, before any side effect), follows threads the bot answers in,
 * downloads the attachments (a note for each refused one) and hands the question to the orchestrator.
 * While the store cannot be reached, events wait in {@link Intake.hold}, in order per conversation.
 */
export class Intake {
  readonly #hold: OutageHold;

  constructor(private readonly deps: IntakeDeps) {
    this.#hold = new OutageHold({
      holdMs: deps.storeHold?.holdMs ?? DEFAULT_STORE_OUTAGE.holdMs,
      maxPerConversation: deps.storeHold?.maxPerConversation ?? DEFAULT_LIMITS.maxQueuedMessages,
      ping: () => deps.store.ping(),
      logger: deps.logger,
    });
  }

  /**
   * True the first time `mark` (an event id, a message id...) is seen on this platform, by any
   * instance. `holder`: the event's holder in {@link Intake.hold}, so a claim that went through
   * before the store failed still counts as this event's own when it is taken again.
   */
  claim(mark: string, holder?: string): Promise<boolean> {
    return this.deps.store.dedupe.claim(`${this.deps.platform}:${mark}`, EVENT_MARK_TTL_MS, holder);
  }

  /**
   * The claim in this process only, for an event the store never came back for: false when another
   * delivery of it here claimed it (that one tells the user).
   */
  claimHere(mark: string, holder: string): boolean {
    return this.deps.store.dedupe.claimHere(`${this.deps.platform}:${mark}`, EVENT_MARK_TTL_MS, holder);
  }

  /**
   * Takes an event in: `take` runs after the earlier events of conversation `key`; when it fails
   * because the store cannot be reached, it runs again (same holder) once the store is back, until
   * STORE_HOLD_MS after `arrivedAt`; then `refuse` runs instead, to tell the user (see `OutageHold`).
   * Everything `take` does before it submits must bear running again.
   */
  hold<T>(
    key: ConversationKey,
    arrivedAt: number,
    take: (holder: string) => Promise<T>,
    refuse: (holder: string) => Promise<T>,
  ): Promise<T> {
    return this.#hold.run(key, arrivedAt, take, refuse);
  }

  /** Ends the waits for the store (shutdown): held events are refused, so their users hear back. */
  stop(): void {
    this.#hold.stop();
  }

  /** Whether the bot answers in this thread (later messages there need no mention). */
  async isFollowed(key: ConversationKey): Promise<boolean> {
    return (await this.deps.store.follows.get(key)) !== undefined;
  }

  /** The bot answers in this thread from now on (kept in the store). */
  async follow(key: ConversationKey, userId: string): Promise<void> {
    if (await this.isFollowed(key)) return;
    await this.deps.store.follows.follow(key, { since: this.now(), startedBy: userId });
  }

  /** Downloads the attachments, then submits; an empty question gets a hint instead. */
  async submit(question: Question): Promise<IntakeOutcome> {
    const { files, refused } = await downloadFiles(question.files, this.deps.downloads);
    for (const line of refused) await this.note(question.replyTo, `Attachment skipped: ${line}`, 'warning');
    const text = question.text.trim();
    if (text === '' && files.length === 0) {
      if (refused.length === 0)
        await this.note(question.replyTo, 'Ask me something, and I will answer here.');
      return 'nothing_to_ask';
    }
    const outcome = await this.deps.orchestrator.submit({
      id: question.id,
      key: question.key,
      userId: question.userId,
      text: text === '' ? 'See the attached file.' : text,
      files,
      replyTo: question.replyTo,
      receivedAt: question.receivedAt ?? this.now(),
      ...(question.sentAt === undefined ? {} : { sentAt: question.sentAt }),
      where: question.where,
    });
    this.deps.logger.debug({ conversation: question.key, outcome }, 'message submitted');
    return outcome;
  }

  /** A short line outside any answer; a failure to post it is logged by the platform, never thrown. */
  note(replyTo: Readonly<Record<string, string>>, text: string, tone?: NoticeTone): Promise<void> {
    return this.deps.note(replyTo, text, tone);
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }
}
