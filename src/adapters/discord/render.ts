import type { ToolDisplay } from '../../config/types.js';
import type { ConversationKey } from '../../core/conversation.js';
import type { Logger } from '../../core/logger.js';
import { type AnswerJournal, NO_JOURNAL, type ReplyRenderer } from '../../core/renderer.js';
import type { Citation, OutboundFile, ReplyEvent } from '../../core/reply-events.js';
import {
  type ApprovalRequested,
  approvalAction,
  outcomeLine,
  prettyArguments,
  timeLeft,
  toolLabel,
} from '../../render/approval-view.js';
import { formatFootnotes } from '../../render/citations.js';
import { splitMessage } from '../../render/split.js';
import { toolMessage } from '../../render/tool-view.js';
import { LiveText, type MessageTarget } from '../shared/live-text.js';
import type { RateBudget } from '../shared/rate-budget.js';
import { DISCORD_ERROR_CODES, describeError, discordErrorCode, isChannelClosed } from './discord-errors.js';
import type { DiscordPort, UploadFile } from './rest-port.js';
import { TypingIndicator } from './typing.js';

/** Discord's limit for one message's content. */
export const DISCORD_MAX_LENGTH = 2000;

/** Reacting with this on an answer stops its run; the bot puts it on the answer as a button. */
export const STOP_EMOJI = '⏹️';

/** What the renderer works with; `answers` is shared with the adapter's reaction handler. */
export interface DiscordRendererOptions {
  port: DiscordPort;
  /** Shared by every Discord call the bot makes. */
  budget: RateBudget;
  toolDisplay: ToolDisplay;
  /** DISCORD_EDIT_INTERVAL_MS: a streaming message is edited at most this often. */
  editIntervalMs: number;
  /** Generated files larger than this get a note instead of an upload. */
  maxUploadBytes: number;
  typingRefreshMs: number;
  logger: Logger;
  /** Answer messages of runs going on, message id -> conversation: how ⏹️ finds the run to stop. */
  answers: Map<string, ConversationKey>;
}

/** What the adapter puts in `InboundMessage.replyTo`: where the answer goes and whose it is. */
export interface DiscordReplyTo {
  /** The thread or DM channel to post in. */
  channel: string;
  key: ConversationKey;
}

/** Renders reply events as Discord messages in the channel of `replyTo`. */
export class DiscordRenderer implements ReplyRenderer {
  constructor(private readonly options: DiscordRendererOptions) {}

  async render(
    replyTo: Readonly<Record<string, string>>,
    events: AsyncIterable<ReplyEvent>,
    journal: AnswerJournal = NO_JOURNAL,
  ): Promise<void> {
    const { channel, key } = replyTo;
    const answer =
      channel && key ? new Answer(this.options, channel, key as ConversationKey, journal) : undefined;
    if (!answer) this.options.logger.error({ replyTo }, 'a Discord answer without a channel to post in');
    const typing = new TypingIndicator(async (stillWanted) => {
      await this.options.budget.acquire();
      if (answer && !answer.closed && stillWanted()) await this.options.port.typing(answer.channel);
    }, this.options.typingRefreshMs);
    if (answer) typing.start();
    try {
      for await (const event of events) await answer?.handle(event);
    } finally {
      await typing.stop();
      await answer?.close();
    }
  }
}

/** A size as people read it: KB below a megabyte. */
const size = (n: number) =>
  n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;

/**
 * One run's answer in one channel: live text messages, tool and file messages, notes. Each text, tool
 * and file is a part of the journal: an answer resumed after a restart edits the texts it finds there
 * and does not post those tools and files again.
 */
class Answer {
  /** Set once Discord refused a post for good (permissions, access, channel gone): the rest is dropped. */
  closed = false;
  private readonly texts = new Map<string, { live: LiveText<string>; streamed: string; done: boolean }>();
  private readonly posted: string[] = [];
  private stopButton: Promise<string | undefined> | undefined;
  /** Approval prompts shown by this answer: approval id -> the message and its text. */
  private readonly approvals = new Map<string, { messageId: string | undefined; text: string }>();
  private readonly target: MessageTarget<string>;

  constructor(
    private readonly options: DiscordRendererOptions,
    readonly channel: string,
    private readonly key: ConversationKey,
    private readonly journal: AnswerJournal,
  ) {
    const resumed = Object.values(journal.posted).flat();
    for (const id of resumed) options.answers.set(id, key);
    this.posted.push(...resumed);
    // The ⏹️ went on the first message before the restart; it comes off when this run is over.
    if (resumed[0] !== undefined) this.stopButton = Promise.resolve(resumed[0]);
    // LiveText takes its turn in the budget before each call; these go straight to Discord.
    this.target = {
      post: (content) => this.postNow(content, []),
      edit: (id, content) => options.port.edit(channel, id, content),
      remove: (id) => options.port.remove(channel, id),
    };
  }

  async handle(event: ReplyEvent): Promise<void> {
    if (this.closed) return;
    try {
      await this.show(event);
    } catch (error) {
      this.failed(error);
    }
  }

  /** Delivers text still streaming, takes the ⏹️ off and forgets the answer's messages. */
  async close(): Promise<void> {
    // Even when Discord refused: finishing is what stops a LiveText from retrying on its own.
    await this.finishTexts().catch((error: unknown) => {
      if (!this.closed) this.failed(error);
    });
    const button = await this.stopButton;
    if (button && !this.closed) {
      await this.options.budget.acquire();
      await this.options.port.unreact(this.channel, button, STOP_EMOJI).catch(() => undefined);
    }
    for (const id of this.posted) this.options.answers.delete(id);
  }

  private async show(event: ReplyEvent): Promise<void> {
    switch (event.type) {
      case 'text.delta': {
        const text = this.text(event.messageId);
        if (text.done) return;
        text.streamed += event.delta;
        text.live.append(event.delta);
        return;
      }
      case 'text.done': {
        const text = this.text(event.messageId);
        text.done = true;
        const final = withFootnotes(event.text, event.citations);
        if (final.trim() !== '' || text.streamed.trim() !== '')
          await text.live.finish(final || text.streamed);
        return;
      }
      case 'tool': {
        const view = toolMessage(event.call, {
          mode: this.options.toolDisplay,
          maxLength: DISCORD_MAX_LENGTH,
        });
        if (!view) return;
        const part = `tool:${event.call.id}`;
        if (this.journal.posted[part]) return;
        const files = view.attachments.map((a) => ({
          name: a.name,
          data: new TextEncoder().encode(a.content),
          contentType: 'text/plain; charset=utf-8',
        }));
        this.journal.record(part, await this.post(view.text, files));
        return;
      }
      case 'file':
        return this.upload(event.file);
      case 'notice':
        if (event.text !== '') await this.post(`ℹ️ ${event.text}`);
        return;
      case 'done':
        await this.finishTexts();
        if (event.notice) await this.post(`${event.ending.kind === 'cancelled' ? '⏹️' : '⚠️'} ${event.notice}`);
        return;
      case 'error':
        await this.finishTexts();
        await this.post(`⚠️ ${event.text}`);
        return;
      case 'approval.requested':
        return this.askApproval(event);
      case 'approval.decided': {
        const shown = this.approvals.get(event.approvalId);
        if (!shown?.messageId) return;
        const line = outcomeLine(event.outcome, event.by, (id) => `<@${id}>`);
        await this.options.budget.acquire();
        await this.options.port.edit(this.channel, shown.messageId, `${shown.text}\n${line}`, []);
        return;
      }
      case 'status':
      case 'run.started':
      case 'usage':
        return;
    }
  }

  /**
   * What the tool will do, with Approve and Deny buttons. A resumed run's prompt is already there
   * (the journal says where): it is not posted again.
   */
  private async askApproval(event: ApprovalRequested): Promise<void> {
    const part = `approval:${event.approvalId}`;
    const text = approvalText(event);
    const existing = this.journal.posted[part]?.[0];
    this.approvals.set(event.approvalId, { messageId: existing, text });
    if (existing !== undefined) return;
    await this.options.budget.acquire();
    const id = await this.options.port.post(
      this.channel,
      text,
      [],
      [
        { customId: approvalAction(event.approvalId, true), label: 'Approve', style: 'success' },
        { customId: approvalAction(event.approvalId, false), label: 'Deny', style: 'danger' },
      ],
    );
    this.posted.push(id);
    this.options.answers.set(id, this.key);
    this.approvals.set(event.approvalId, { messageId: id, text });
    this.journal.record(part, [id]);
  }

  private text(messageId: string) {
    let text = this.texts.get(messageId);
    if (!text) {
      const part = `text:${messageId}`;
      const live = new LiveText(this.target, {
        maxLength: DISCORD_MAX_LENGTH,
        minEditIntervalMs: this.options.editIntervalMs,
        budget: this.options.budget,
        existing: this.journal.posted[part] ?? [],
        onPosted: (ids) => this.journal.record(part, ids),
      });
      text = { live, streamed: '', done: false };
      this.texts.set(messageId, text);
    }
    return text;
  }

  /** A run that ended early (cancelled, failed) leaves text that streamed without a final version. */
  private async finishTexts(): Promise<void> {
    let failure: unknown;
    for (const text of this.texts.values()) {
      if (text.done) continue;
      text.done = true;
      try {
        await text.live.finish(text.streamed);
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
  }

  private async upload(file: OutboundFile): Promise<void> {
    const name = safeFileName(file);
    const part = `file:${name}`;
    if (this.journal.posted[part]) return;
    this.journal.record(part, await this.uploadNow(file, name));
  }

  private async uploadNow(file: OutboundFile, name: string): Promise<string[]> {
    if (file.bytes.byteLength > this.options.maxUploadBytes) {
      return this.post(
        `📎 ${name} is ${size(file.bytes.byteLength)}, too big to upload here (the limit is ${size(this.options.maxUploadBytes)}).`,
      );
    }
    try {
      return await this.post('', [{ name, data: file.bytes, contentType: file.mimeType }]);
    } catch (error) {
      if (discordErrorCode(error) !== DISCORD_ERROR_CODES.missingPermissions) throw error;
      this.options.logger.error(
        { conversation: this.key, channel: this.channel, ...describeError(error) },
        'Discord refused a file upload: the bot needs the Attach Files permission here',
      );
      return this.post(`📎 I made ${name}, but I am not allowed to attach files in this channel.`);
    }
  }

  /** Posts text (split at Discord's limit, fences balanced) with files on the last part, in turn. */
  private async post(text: string, files: readonly UploadFile[] = []): Promise<string[]> {
    const chunks = text.trim() === '' ? [''] : splitMessage(text, DISCORD_MAX_LENGTH);
    const ids: string[] = [];
    for (const [i, chunk] of chunks.entries()) {
      await this.options.budget.acquire();
      ids.push(await this.postNow(chunk, i === chunks.length - 1 ? files : []));
    }
    return ids;
  }

  private async postNow(content: string, files: readonly UploadFile[]): Promise<string> {
    const id = await this.options.port.post(this.channel, content, files);
    this.posted.push(id);
    this.options.answers.set(id, this.key);
    this.stopButton ??= this.addStopButton(id);
    return id;
  }

  /** ⏹️ on the first message, so stopping is one click; it comes off when the run is over. */
  private async addStopButton(messageId: string): Promise<string | undefined> {
    await this.options.budget.acquire();
    try {
      await this.options.port.react(this.channel, messageId, STOP_EMOJI);
      return messageId;
    } catch (error) {
      this.options.logger.debug(
        { channel: this.channel, ...describeError(error) },
        'could not add the ⏹️ reaction',
      );
      return undefined;
    }
  }

  private failed(error: unknown): void {
    const fields = { conversation: this.key, channel: this.channel, ...describeError(error) };
    if (isChannelClosed(error)) {
      this.closed = true;
      this.options.logger.error(
        fields,
        'Discord refused to post the answer (the bot needs View Channel, Send Messages and Send Messages in Threads here); the rest of this answer is dropped',
      );
      return;
    }
    this.options.logger.warn(fields, 'a Discord call for this answer failed');
  }
}

/** The answer with its sources as footnotes; URLs in <> so Discord does not unfurl every one. */
function withFootnotes(text: string, citations: readonly Citation[]): string {
  if (citations.length === 0) return text;
  const notes = formatFootnotes(citations).replace(/https?:\/\/\S+/g, (url) => `<${url}>`);
  return `${text}\n\n${notes}`;
}

/** The prompt: who asked, which tool, its arguments, who may decide and until when. */
function approvalText(event: ApprovalRequested): string {
  const head = `🔐 <@${event.requesterId}>, the assistant wants to run \`${toolLabel(event)}\` with:\n`;
  const tail =
    `\nOnly <@${event.requesterId}> or an approver can decide; ` +
    `no decision within ${timeLeft(event.expiresAt, Date.now())} counts as a no.`;
  const room = DISCORD_MAX_LENGTH - head.length - tail.length - 120;
  return `${head}\`\`\`json\n${prettyArguments(event.arguments, room).replace(/```/g, "'''")}\n\`\`\`${tail}`;
}

/** A name Discord keeps as it is; pictures without an extension become .png. */
function safeFileName(file: OutboundFile): string {
  const name = file.name.replace(/[^\w.-]+/g, '_').replace(/^\.+/, '') || 'file';
  return file.kind === 'image' && !/\.\w+$/.test(name) ? `${name}.png` : name;
}
