import type { ConversationKey } from '../../core/conversation.js';
import type { Logger } from '../../core/logger.js';
import type { AnswerJournal } from '../../core/renderer.js';
import { type ApprovalRequested, prettyArguments, timeLeft, toolLabel } from '../../render/approval-view.js';
import {
  type AnswerPlace,
  type CallOptions,
  type CallPriority,
  type ChatSurface,
  type MessageSource,
  messageOf,
  type RunIndicator,
  type SurfaceLimits,
  type SurfaceMessage,
} from '../kit/chat-surface.js';
import type { ShareKey } from '../kit/fair-share.js';
import { BudgetBusyError, MessageGoneError } from '../kit/live-text.js';
import { editedText } from '../kit/text-part.js';
import { approvalBody, escapeMrkdwn, MAX_MARKDOWN_LENGTH, markdownBody, noticeBody } from './blocks.js';
import { GrowingTexts } from './growing.js';
import { KeyedPosts, keyMetadata } from './keyed-posts.js';
import { NOTICE_EMOJI } from './notices.js';
import type { SlackAddress } from './parse.js';
import { addressFromReplyTo } from './reply-to.js';
import { type SlackApi, slackErrorOf } from './slack-api.js';
import { StreamAnswer, type StreamingState } from './stream-answer.js';
import { WorkingLine } from './working.js';

/** What the Slack surface works with; one serves every Slack answer of the process. */
export interface SlackSurfaceOptions {
  api: SlackApi;
  logger: Logger;
  /** `SLACK_UPDATE_INTERVAL_MS` (the edited text's pace per message) and the upload limit. */
  limits: Omit<SurfaceLimits, 'maxMessageLength'>;
  /** Native streams: appends are coalesced to at most one per this many milliseconds. */
  appendIntervalMs: number;
  /** Called when a user stops a stream with Slack's own control. */
  onStoppedByUser?: (key: ConversationKey) => void;
}

/** Errors of `chat.update` that mean "that message cannot change any more": continue in a new one. */
const GONE = new Set(['message_not_found', 'cant_update_message', 'edit_window_closed', 'is_inactive']);

/** Errors that mean the bot cannot post in this channel at all: the rest of the answer is dropped. */
const CLOSED = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'account_inactive',
  'token_revoked',
]);

/**
 * Slack as the kit sees it: messages in a thread by ts, answers as Markdown blocks (natively streamed
 * while Slack lets this app stream), a working line with a Stop button while a run goes, and every
 * call in its method's workspace budget.
 */
export class SlackSurface implements ChatSurface {
  readonly platform = 'slack';
  readonly limits: SurfaceLimits;
  readonly logger: Logger;
  /** Shared by all answers: whether Slack lets this app stream, and how many streams are open. */
  private readonly streaming: StreamingState = { refused: false, open: 0 };
  /** Work after answers that nobody waits for (see `settled`). */
  private readonly tidying = new Set<Promise<unknown>>();
  /** Users an ephemeral reply is on its way to. */
  private readonly acknowledging = new Set<string>();
  /** The answers showing a growing text in a message (Tier 3's updates are promised to them). */
  private readonly growing: GrowingTexts;

  constructor(private readonly options: SlackSurfaceOptions) {
    this.limits = { ...options.limits, maxMessageLength: MAX_MARKDOWN_LENGTH };
    this.logger = options.logger;
    this.growing = new GrowingTexts(options.api.budgetFor('chat.update'), options.limits.editIntervalMs);
  }

  place(replyTo: Readonly<Record<string, string>>, key: ConversationKey): AnswerPlace | undefined {
    const address = addressFromReplyTo(replyTo);
    if (address.channel === '') return undefined;
    const { api } = this.options;
    const log = this.logger.child({ channel: address.channel, thread: address.thread });
    const share: ShareKey = { channel: address.channel, ...(address.user && { user: address.user }) };
    const tier3 = api.budgetFor('chat.update');
    const working = new WorkingLine({
      api,
      address,
      key,
      logger: log,
      share,
      tidy: (work) => this.tidy(work, log),
    });
    const within = this.limits.editIntervalMs;
    const upload = (name: string, bytes: Uint8Array) =>
      api.upload({ channel: address.channel, thread: address.thread, name, bytes });
    const textOf = (source: MessageSource) => () => {
      const message = messageOf(source);
      return message.kind === 'answer' ? message.text : '';
    };
    const growing = this.growing.holder();
    const keyed = new KeyedPosts(api, address, share, log);
    const post = async (source: MessageSource, priority: CallPriority, options: CallOptions = {}) => {
      const kind = messageOf(source).kind;
      // A text that will still grow needs Tier 3 turns until its final text: only while one is free.
      if (kind === 'answer' && options.growing && !growing.take()) throw new BudgetBusyError();
      try {
        return await postNow(source, priority, options);
      } catch (error) {
        if (options.growing) growing.release();
        throw error;
      }
    };
    const postNow = async (source: MessageSource, priority: CallPriority, options: CallOptions) => {
      // A resumed answer's message that a process which died had posted: finished there, before the
      // working line (a text that had a message of its own then) could take it again.
      const adopted = await adoptKeyed(source, priority, options);
      if (adopted !== undefined) return adopted;
      const kind = messageOf(source).kind;
      const final = priority === 'final';
      // The answer's first text goes into the working line while Tier 3 can take it soon enough (a
      // whole final text only with a Tier 3 turn free at once: Tier 3's final lane is for the answers
      // growing in their lines); otherwise (and for every other message) a new message, paced per channel.
      const wait = tier3.waitMs(priority, share);
      if (kind === 'answer' && working.canTake(wait, final ? 0 : within, !options.growing)) {
        const ts = await working.show(textOf(source), final, priority, options.signal);
        if (final) growing.release();
        return ts;
      }
      // Taken once, when the call's turn comes: what was sent is what the kit records as shown.
      let message = messageOf(source);
      const result = await api.call(
        'chat.postMessage',
        () => {
          message = messageOf(source);
          return {
            channel: address.channel,
            thread_ts: address.thread,
            ...bodyOf(message),
            ...keyMetadata(options.key),
          };
        },
        {
          priority,
          share,
          channel: address.channel,
          ...(options.signal && { signal: options.signal }),
          ...(options.since !== undefined && { since: options.since }),
        },
      );
      working.postedBelow();
      if (message.kind === 'tool') {
        for (const file of message.files) await upload(file.name, file.bytes);
      }
      return String(result.ts);
    };
    /** A resumed answer's message that a process which died had posted: brought to this content. */
    const adoptKeyed = async (source: MessageSource, priority: CallPriority, options: CallOptions) => {
      if (options.key === undefined || !options.mayExist) return undefined;
      const ts = await keyed.find(options.key);
      if (ts === undefined) return undefined;
      log.info({ ts }, 'Slack: a resumed answer found its message already posted; finishing it there');
      await api.call('chat.update', () => ({ channel: address.channel, ts, ...bodyOf(messageOf(source)) }), {
        priority,
        share,
        ...(options.signal && { signal: options.signal }),
      });
      working.postedBelow();
      return ts;
    };
    const place: AnswerPlace = {
      logFields: { channel: address.channel, thread: address.thread },
      post,
      edit: async (ts, source, priority, options = {}) => {
        if (ts === working.messageTs) {
          await working.show(textOf(source), priority === 'final', priority, options.signal);
          if (priority === 'final') growing.release();
          return;
        }
        try {
          await api.call(
            'chat.update',
            () => ({ channel: address.channel, ts, ...bodyOf(messageOf(source)) }),
            {
              priority,
              share,
              ...(options.signal && { signal: options.signal }),
              ...(options.since !== undefined && { since: options.since }),
            },
          );
        } catch (error) {
          if (GONE.has(slackErrorOf(error) ?? ''))
            throw new MessageGoneError('message gone', { cause: error });
          throw error;
        }
        if (priority === 'final') growing.release();
      },
      remove: async (ts) => {
        await api.call('chat.delete', { channel: address.channel, ts }, { priority: 'final', share });
      },
      upload: async (file) => {
        await upload(file.name, file.bytes);
        working.postedBelow();
        return [file.name];
      },
      // Growing texts go by Tier 3 (the working line, chat.update); none free: whole texts only.
      textBudgets: () =>
        !growing.holds() && this.growing.full
          ? { firstWaitMs: Number.POSITIVE_INFINITY, updateWaitMs: Number.POSITIVE_INFINITY }
          : { firstWaitMs: tier3.waitMs('first', share), updateWaitMs: tier3.waitMs('update', share) },
      streamText: (onPosted, onSwitch) => {
        if (this.streaming.refused) return undefined;
        // A stream only when a Tier 2 turn is free at once, leaving one for each open stream's stop.
        const tier2 = api.budgetFor('chat.startStream');
        if (!tier2.tryAcquire('first', { reserve: this.streaming.open, share })) return undefined;
        return new StreamAnswer({
          api,
          address,
          share,
          streaming: this.streaming,
          appendIntervalMs: this.options.appendIntervalMs,
          logger: log,
          onStoppedByUser: () => this.options.onStoppedByUser?.(key),
          onPosted: (ids) => {
            working.postedBelow();
            onPosted(ids);
          },
          ...(onSwitch && { onSwitch }),
          // Refused, or no turn for a further stream: the text goes on in ordinary messages.
          fallback: (posted) =>
            editedText(place, {
              maxLength: MAX_MARKDOWN_LENGTH,
              editIntervalMs: this.limits.editIntervalMs,
              onPosted: posted,
            }),
        });
      },
      acknowledge: (text) => this.acknowledge(address, share, text, log),
      indicator: (journal) => workingIndicator(working, journal, growing.release),
      resume: async (journal) => {
        await adoptWorkingLine(working, journal, keyed);
        await stopOldStreams(api, address, journal);
      },
    };
    return place;
  }

  /** Everything still tidying up after answers (working lines, Stop buttons) is done. */
  async settled(): Promise<void> {
    while (this.tidying.size > 0) await Promise.all([...this.tidying]);
  }

  /** Work after an answer that nobody waits for: tracked, and a failure logged. */
  private tidy(work: Promise<unknown>, log: Logger): void {
    const tracked = work
      .catch((err: unknown) => log.warn({ err, slackError: slackErrorOf(err) }, 'Slack: tidying up failed'))
      .finally(() => this.tidying.delete(tracked));
    this.tidying.add(tracked);
  }

  /**
   * A refusal the user was told about already: an ephemeral reply only they see, in the background
   * lane; while one is on its way to a user, further ones to them are dropped.
   */
  private async acknowledge(
    address: SlackAddress,
    share: ShareKey,
    text: string,
    log: Logger,
  ): Promise<void> {
    const who = `${address.team}:${address.user}`;
    if (address.user === '' || this.acknowledging.has(who)) return;
    this.acknowledging.add(who);
    try {
      await this.options.api.call(
        'chat.postEphemeral',
        {
          channel: address.channel,
          user: address.user,
          ...(address.thread && { thread_ts: address.thread }),
          ...noticeBody(text, NOTICE_EMOJI.warning),
        },
        { priority: 'background', share },
      );
    } catch (err) {
      log.debug({ err, slackError: slackErrorOf(err) }, 'Slack: could not post an ephemeral reply');
    } finally {
      this.acknowledging.delete(who);
    }
  }

  isClosed(error: unknown): boolean {
    return CLOSED.has(slackErrorOf(error) ?? '');
  }

  describe(error: unknown): Record<string, unknown> {
    return { err: error, slackError: slackErrorOf(error) };
  }
}

/**
 * The working line as the kit's run indicator; a resumed run takes over the one posted before, found
 * in the journal or, when the process before died before it could journal it, by its key.
 */
function workingIndicator(working: WorkingLine, journal: AnswerJournal, ended: () => void): RunIndicator {
  const adopted = journal.posted.working?.[0];
  if (adopted !== undefined) working.adopt(adopted);
  const key = workingKey(journal);
  if (key !== undefined) working.keyAs(key);
  return {
    start: () => working.start(),
    status: (text) => working.status(text),
    posted: () => undefined,
    stop: () => {
      ended();
      return working.stop();
    },
  };
}

/**
 * A resumed run whose working line went up but was never journaled (the process died in between)
 * takes it over, found by its key, so that it is finished or removed rather than left behind.
 */
async function adoptWorkingLine(
  working: WorkingLine,
  journal: AnswerJournal,
  keyed: KeyedPosts,
): Promise<void> {
  const key = workingKey(journal);
  const journaled = journal.posted.working?.length ?? 0;
  if (key === undefined || !journal.resumed || working.messageTs !== undefined || journaled > 0) return;
  const ts = await keyed.find(key);
  if (ts === undefined) return;
  working.adopt(ts);
  journal.record('working', [ts]);
}

/** The key of an answer's working line (see `CallOptions.key`). */
const workingKey = (journal: AnswerJournal) =>
  journal.answerId === undefined ? undefined : `${journal.answerId}:working:0`;

/**
 * A resumed run's answer messages may still be open streams of the process that died: they are
 * ended, so that the answer can be finished in them with `chat.update`.
 */
async function stopOldStreams(api: SlackApi, address: SlackAddress, journal: AnswerJournal): Promise<void> {
  for (const [part, ids] of Object.entries(journal.posted)) {
    if (!part.startsWith('text:')) continue;
    for (const ts of ids) {
      await api
        .call('chat.stopStream', { channel: address.channel, ts }, { priority: 'final' })
        .catch(() => undefined); // already ended, or never a stream: nothing to do
    }
  }
}

/** The message body Slack shows for each kind of message. */
function bodyOf(message: SurfaceMessage): Record<string, unknown> {
  switch (message.kind) {
    case 'answer':
    case 'tool':
      return markdownBody(message.text);
    case 'notice':
      return noticeBody(message.text, NOTICE_EMOJI[message.tone]);
    case 'approval':
      return approvalBody(approvalPrompt(message.request), message.request.approvalId, message.outcome);
  }
}

/** The parts of an approval prompt: who asked for which tool, its arguments, who may decide. */
function approvalPrompt(event: ApprovalRequested): { title: string; code: string; note: string } {
  return {
    title: `:lock: <@${event.requesterId}>, the assistant wants to run \`${escapeMrkdwn(toolLabel(event))}\` with:`,
    code: escapeMrkdwn(prettyArguments(event.arguments, 2500).replace(/```/g, "'''")),
    note:
      `Only <@${event.requesterId}> or an approver can decide; ` +
      `no decision within ${timeLeft(event.expiresAt, Date.now())} counts as a no.`,
  };
}
