import type { ConversationKey } from '../../core/conversation.js';
import type { Logger } from '../../core/logger.js';
import type { AnswerJournal } from '../../core/renderer.js';
import { type ApprovalRequested, prettyArguments, timeLeft, toolLabel } from '../../render/approval-view.js';
import type {
  AnswerPlace,
  CallPriority,
  ChatSurface,
  RunIndicator,
  SurfaceLimits,
  SurfaceMessage,
} from '../kit/chat-surface.js';
import { MessageGoneError } from '../kit/live-text.js';
import { editedText } from '../kit/text-part.js';
import { approvalBody, escapeMrkdwn, MAX_MARKDOWN_LENGTH, markdownBody, noticeBody } from './blocks.js';
import { NOTICE_EMOJI } from './notices.js';
import type { SlackAddress } from './parse.js';
import { addressFromReplyTo } from './reply-to.js';
import { type SlackApi, slackErrorOf } from './slack-api.js';
import { StreamAnswer, type StreamingState } from './stream-answer.js';
import { WorkingIndicator } from './working.js';

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
  /** Shared by all answers: once Slack says streaming is not available to this app, stop asking. */
  private readonly streaming: StreamingState = { refused: false };

  constructor(private readonly options: SlackSurfaceOptions) {
    this.limits = { ...options.limits, maxMessageLength: MAX_MARKDOWN_LENGTH };
    this.logger = options.logger;
  }

  place(replyTo: Readonly<Record<string, string>>, key: ConversationKey): AnswerPlace | undefined {
    const address = addressFromReplyTo(replyTo);
    if (address.channel === '') return undefined;
    const { api } = this.options;
    const log = this.logger.child({ channel: address.channel, thread: address.thread });
    const post = async (message: SurfaceMessage, priority: CallPriority) => {
      const result = await api.call(
        'chat.postMessage',
        { channel: address.channel, thread_ts: address.thread, ...bodyOf(message) },
        { priority },
      );
      if (message.kind === 'tool') {
        for (const file of message.files) await upload(file.name, file.bytes);
      }
      return String(result.ts);
    };
    const upload = (name: string, bytes: Uint8Array) =>
      api.upload({ channel: address.channel, thread: address.thread, name, bytes });
    const place: AnswerPlace = {
      logFields: { channel: address.channel, thread: address.thread },
      post,
      edit: async (ts, message, priority) => {
        try {
          await api.call('chat.update', { channel: address.channel, ts, ...bodyOf(message) }, { priority });
        } catch (error) {
          if (GONE.has(slackErrorOf(error) ?? ''))
            throw new MessageGoneError('message gone', { cause: error });
          throw error;
        }
      },
      remove: async (ts) => {
        await api.call('chat.delete', { channel: address.channel, ts });
      },
      upload: async (file) => {
        await upload(file.name, file.bytes);
        return [file.name];
      },
      streamText: (onPosted) => {
        if (this.streaming.refused) return undefined;
        return new StreamAnswer({
          api,
          address,
          streaming: this.streaming,
          appendIntervalMs: this.options.appendIntervalMs,
          logger: log,
          onStoppedByUser: () => this.options.onStoppedByUser?.(key),
          onPosted,
          // Refused: the text goes on in ordinary messages, edited at SLACK_UPDATE_INTERVAL_MS.
          fallback: (posted) =>
            editedText(place, {
              maxLength: MAX_MARKDOWN_LENGTH,
              editIntervalMs: this.limits.editIntervalMs,
              onPosted: posted,
            }),
        });
      },
      indicator: (journal) => workingLine(new WorkingIndicator(api, address, key, log), journal),
      resume: (journal) => stopOldStreams(api, address, journal),
    };
    return place;
  }

  isClosed(error: unknown): boolean {
    return CLOSED.has(slackErrorOf(error) ?? '');
  }

  describe(error: unknown): Record<string, unknown> {
    return { err: error, slackError: slackErrorOf(error) };
  }
}

/** The working line as the kit's run indicator; a resumed run takes over the one posted before. */
function workingLine(working: WorkingIndicator, journal: AnswerJournal): RunIndicator {
  const adopted = journal.posted.working?.[0];
  if (adopted !== undefined) working.adopt(adopted);
  return {
    start: async () => {
      await working.start();
      return working.messageTs;
    },
    status: (text) => working.status(text),
    posted: () => undefined,
    stop: () => working.stop(),
  };
}

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
