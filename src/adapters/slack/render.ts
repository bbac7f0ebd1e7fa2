import type { ToolDisplay } from '../../config/types.js';
import { errorCode, USER_MESSAGES } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { type AnswerJournal, NO_JOURNAL, type ReplyRenderer } from '../../core/renderer.js';
import type { Citation, ReplyEvent, ToolCallView } from '../../core/reply-events.js';
import {
  type ApprovalRequested,
  outcomeLine,
  prettyArguments,
  timeLeft,
  toolLabel,
} from '../../render/approval-view.js';
import { formatFootnotes } from '../../render/citations.js';
import { toolMessage } from '../../render/tool-view.js';
import { approvalBody, escapeMrkdwn, MAX_MARKDOWN_LENGTH, markdownBody, noticeBody } from './blocks.js';
import { type Answer, FallbackAnswer } from './fallback-answer.js';
import type { SlackAddress } from './parse.js';
import { addressFromReplyTo } from './reply-to.js';
import type { SlackApi } from './slack-api.js';
import { StreamAnswer, type StreamingState } from './stream-answer.js';
import { WorkingIndicator } from './working.js';

/** What the renderer works with; one renderer serves every Slack answer of the process. */
export interface SlackRendererOptions {
  api: SlackApi;
  logger: Logger;
  toolDisplay: ToolDisplay;
  /** `SLACK_UPDATE_INTERVAL_MS`: the chat.update fallback's pace per message. */
  updateIntervalMs: number;
  /** Native streams: appends are coalesced to at most one per this many milliseconds. */
  appendIntervalMs: number;
  /** Called when a user stops a stream with Slack's own control. */
  onStoppedByUser?: (key: string) => void;
}

/**
 * Shows each run's reply events in its Slack thread: a working line with a Stop button (and the
 * assistant view's status) while the run goes, the answer streamed, tool work by `TOOL_DISPLAY`,
 * generated files uploaded into the thread, citations as footnotes, and every ending or error as a
 * short line. A failed Slack call is logged and the rest still goes out.
 */
export class SlackRenderer implements ReplyRenderer {
  private readonly streaming: StreamingState = { refused: false };

  constructor(private readonly options: SlackRendererOptions) {}

  async render(
    replyTo: Readonly<Record<string, string>>,
    events: AsyncIterable<ReplyEvent>,
    journal: AnswerJournal = NO_JOURNAL,
  ): Promise<void> {
    const run = new RunInThread(
      this.options,
      this.streaming,
      addressFromReplyTo(replyTo),
      replyTo.key ?? '',
      journal,
    );
    await run.resumed();
    try {
      for await (const event of events) await run.show(event);
    } finally {
      await run.end();
    }
  }
}

/**
 * One run's rendering in one thread. The working line, each answer text, tool and file are parts of
 * the journal: a run resumed after a restart takes over its working line, edits the texts it finds
 * there, and does not post those tools and files again.
 */
class RunInThread {
  private readonly answers = new Map<string, Answer>();
  private readonly working: WorkingIndicator;
  private readonly log: Logger;
  /** Part of the answer could not be posted: the user is told once, at the end. */
  private failed = false;
  /** Approval prompts of this run: approval id -> the message and what it shows. */
  private readonly approvals = new Map<string, { ts: string | undefined; prompt: ApprovalPrompt }>();

  constructor(
    private readonly options: SlackRendererOptions,
    private readonly streaming: StreamingState,
    private readonly address: SlackAddress,
    private readonly key: string,
    private readonly journal: AnswerJournal,
  ) {
    this.log = options.logger.child({ channel: address.channel, thread: address.thread });
    this.working = new WorkingIndicator(options.api, address, key, this.log);
    const working = journal.posted.working?.[0];
    if (working !== undefined) this.working.adopt(working);
  }

  /**
   * A resumed run's answer messages may still be open streams of the process that died: they are
   * ended, so that the answer can be finished in them with `chat.update`.
   */
  async resumed(): Promise<void> {
    for (const [part, ids] of Object.entries(this.journal.posted)) {
      if (!part.startsWith('text:')) continue;
      for (const ts of ids) {
        await this.options.api
          .call('chat.stopStream', { channel: this.address.channel, ts })
          .catch(() => undefined); // already ended, or never a stream: nothing to do
      }
    }
  }

  async show(event: ReplyEvent): Promise<void> {
    switch (event.type) {
      case 'run.started':
        return this.attempt(
          'showing the run',
          async () => {
            await this.working.start();
            const ts = this.working.messageTs;
            if (ts !== undefined) this.journal.record('working', [ts]);
          },
          'decoration',
        );
      case 'status':
        return this.attempt('the status', () => this.working.status(event.text), 'decoration');
      case 'text.delta':
        return this.answerFor(event.messageId).append(event.delta);
      case 'text.done': {
        const answer = this.answerFor(event.messageId);
        this.answers.delete(event.messageId);
        return this.attempt('the answer', () => answer.finish(withFootnotes(event.text, event.citations)));
      }
      case 'tool':
        return this.attempt('a tool call', () => this.showTool(event.call));
      case 'file': {
        const part = `file:${event.file.name}`;
        if (this.journal.posted[part]) return;
        return this.attempt('a file', async () => {
          await this.upload(event.file.name, event.file.bytes);
          this.journal.record(part, [event.file.name]);
        });
      }
      case 'notice':
        return this.attempt('a notice', () => this.post(noticeBody(event.text)));
      case 'done':
        await this.closeAnswers();
        if (event.notice === undefined) return;
        return this.attempt('the ending', () => this.post(noticeBody(event.notice ?? '', ':stop_sign:')));
      case 'error':
        await this.closeAnswers();
        return this.attempt('the error', () => this.post(noticeBody(event.text, ':warning:')));
      case 'approval.requested':
        return this.attempt('an approval prompt', () => this.askApproval(event));
      case 'approval.decided': {
        const shown = this.approvals.get(event.approvalId);
        if (shown?.ts === undefined) return;
        const line = outcomeLine(event.outcome, event.by, (id) => `<@${id}>`);
        const ts = shown.ts;
        return this.attempt('an approval outcome', () =>
          this.options.api.call('chat.update', {
            channel: this.address.channel,
            ts,
            ...approvalBody(shown.prompt, event.approvalId, line),
          }),
        );
      }
      case 'usage':
        return;
    }
  }

  /** What the tool will do, with Approve and Deny; a resumed run's prompt is already there. */
  private async askApproval(event: ApprovalRequested): Promise<void> {
    const part = `approval:${event.approvalId}`;
    const prompt = approvalPrompt(event);
    const existing = this.journal.posted[part]?.[0];
    this.approvals.set(event.approvalId, { ts: existing, prompt });
    if (existing !== undefined) return;
    const ts = await this.post(approvalBody(prompt, event.approvalId));
    this.approvals.set(event.approvalId, { ts, prompt });
    this.journal.record(part, [ts]);
  }

  /** Whatever is still streaming is kept as it stands; the working line goes. */
  async end(): Promise<void> {
    await this.closeAnswers();
    await this.attempt('ending the run', () => this.working.stop(), 'decoration');
    if (!this.failed) return;
    await this.post(noticeBody(USER_MESSAGES.platform_error, ':warning:')).catch((err: unknown) => {
      this.log.error({ err }, 'Slack: could not even say that posting failed');
    });
  }

  private async attempt(
    what: string,
    work: () => Promise<unknown>,
    part: 'answer' | 'decoration' = 'answer',
  ) {
    try {
      await work();
    } catch (err) {
      // A missing working line or status is cosmetic; a missing part of the answer is not.
      if (part === 'answer') this.failed = true;
      this.log.error({ err, code: errorCode(err) }, `Slack: ${what} failed`);
    }
  }

  private answerFor(messageId: string): Answer {
    let answer = this.answers.get(messageId);
    if (!answer) {
      answer = this.newAnswer(`text:${messageId}`);
      this.answers.set(messageId, answer);
    }
    return answer;
  }

  private newAnswer(part: string): Answer {
    const { api, logger, updateIntervalMs, appendIntervalMs } = this.options;
    const onPosted = (ts: readonly string[]) => this.journal.record(part, ts);
    const resumed = this.journal.posted[part];
    // A resumed answer is finished in the messages it already has, by chat.update.
    if (this.streaming.refused || resumed)
      return new FallbackAnswer(api, this.address, updateIntervalMs, {
        onPosted,
        ...(resumed ? { resumed } : {}),
      });
    return new StreamAnswer({
      onPosted,
      api,
      address: this.address,
      streaming: this.streaming,
      appendIntervalMs,
      updateIntervalMs,
      logger,
      onStoppedByUser: () => this.options.onStoppedByUser?.(this.key),
    });
  }

  /** Text that streamed without a final version (a run cut short) is kept as it stands. */
  private async closeAnswers(): Promise<void> {
    const open = [...this.answers.values()];
    this.answers.clear();
    for (const answer of open) await this.attempt('the answer', () => answer.close());
  }

  private async showTool(call: ToolCallView): Promise<void> {
    const shown = toolMessage(call, { mode: this.options.toolDisplay, maxLength: MAX_MARKDOWN_LENGTH });
    const part = `tool:${call.id}`;
    if (!shown || this.journal.posted[part]) return;
    this.journal.record(part, [await this.post(markdownBody(shown.text))]);
    for (const attachment of shown.attachments) {
      await this.upload(attachment.name, new TextEncoder().encode(attachment.content));
    }
  }

  private async upload(name: string, bytes: Uint8Array): Promise<void> {
    await this.options.api.upload({
      channel: this.address.channel,
      thread: this.address.thread,
      name,
      bytes,
    });
  }

  private async post(body: Record<string, unknown>): Promise<string> {
    const result = await this.options.api.call('chat.postMessage', {
      channel: this.address.channel,
      thread_ts: this.address.thread,
      ...body,
    });
    return String(result.ts);
  }
}

/** The parts of an approval prompt: who asked for which tool, its arguments, who may decide. */
interface ApprovalPrompt {
  title: string;
  code: string;
  note: string;
}

function approvalPrompt(event: ApprovalRequested): ApprovalPrompt {
  return {
    title: `:lock: <@${event.requesterId}>, the assistant wants to run \`${escapeMrkdwn(toolLabel(event))}\` with:`,
    code: escapeMrkdwn(prettyArguments(event.arguments, 2500).replace(/```/g, "'''")),
    note:
      `Only <@${event.requesterId}> or an approver can decide; ` +
      `no decision within ${timeLeft(event.expiresAt, Date.now())} counts as a no.`,
  };
}

/** The answer with its sources as numbered footnotes under it. */
export function withFootnotes(text: string, citations: readonly Citation[]): string {
  return citations.length === 0 ? text : `${text}\n\n${formatFootnotes(citations)}`;
}
