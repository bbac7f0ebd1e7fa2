import type { ToolDisplay } from '../../config/types.js';
import { USER_MESSAGES } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { AnswerJournal } from '../../core/renderer.js';
import type { Citation, OutboundFile, ReplyEvent } from '../../core/reply-events.js';
import type { ApprovalRequested } from '../../render/approval-view.js';
import { outcomeLine } from '../../render/approval-view.js';
import { formatFootnotes } from '../../render/citations.js';
import { splitMessage } from '../../render/split.js';
import { toolMessage } from '../../render/tool-view.js';
import type { AnswerPlace, CallPriority, ChatSurface, RunIndicator, SurfaceMessage } from './chat-surface.js';
import { type PostKey, TextPart, type TextWatch } from './text-part.js';

/** The user ids in an approval outcome, as every platform's Markdown can show them: `<@id>`. */
const mention = (id: string) => `<@${id}>`;

/**
 * One run's answer in one place: the texts, tool calls, files, notices and approval prompts, each a
 * part of the journal (`text:<id>`, `tool:<call>`, `file:<name>`, `approval:<id>`, `working`), so that
 * an answer resumed after a restart edits the texts it finds there and posts nothing twice. A failed
 * call is logged and the rest still goes out; once the platform refuses the place for good the rest is
 * dropped; a part that could not be posted is told to the user once, at the end.
 */
export class AnswerView {
  private readonly texts = new Map<string, TextPart>();
  private readonly approvals = new Map<
    string,
    { messageId: string | undefined; request: ApprovalRequested }
  >();
  private readonly indicator: RunIndicator | undefined;
  private readonly log: Logger;
  /** The platform refused this place for good: nothing more is sent. */
  private closed = false;
  /** Part of the answer could not be posted: the user is told once, at the end. */
  private failed = false;
  /** The run indicator going up: it never holds back the answer, and `end` waits for it. */
  private starting: Promise<void> = Promise.resolve();

  constructor(
    private readonly surface: ChatSurface,
    private readonly place: AnswerPlace,
    private readonly journal: AnswerJournal,
    private readonly toolDisplay: ToolDisplay,
    logger: Logger,
    /** Watches each text part (metrics; strategy changes are logged here too). */
    private readonly watch?: (log: Logger) => TextWatch,
  ) {
    this.log = logger.child(place.logFields);
    this.indicator = place.indicator?.(journal);
  }

  /**
   * A resumed answer: the platform tidies what the process before left open, and finds what it
   * posted but could not journal; even an empty journal may have such posts behind it.
   */
  async resume(): Promise<void> {
    const { resumed, posted } = this.journal;
    if (resumed === true || Object.keys(posted).length > 0) await this.place.resume?.(this.journal);
  }

  async show(event: ReplyEvent): Promise<void> {
    if (this.closed) return;
    switch (event.type) {
      case 'run.started':
        this.starting = this.attempt('showing the run', () => this.startIndicator(), 'decoration');
        return;
      case 'status':
        return this.attempt('the status', async () => this.indicator?.status(event.text), 'decoration');
      case 'text.delta':
        return this.textFor(event.messageId).append(event.delta);
      case 'text.done': {
        const text = this.textFor(event.messageId);
        const final = withFootnotes(event.text, event.citations, this.surface.footnotes?.bind(this.surface));
        return this.attempt('the answer', () => text.finish(final));
      }
      case 'tool':
        return this.attempt('a tool call', () => this.showTool(event));
      case 'file':
        return this.attempt('a file', () => this.showFile(event.file));
      case 'notice':
        if (event.text === '') return;
        return this.attempt('a notice', () => this.post({ kind: 'notice', text: event.text, tone: 'info' }));
      case 'done': {
        await this.closeTexts();
        const notice = event.notice;
        if (notice === undefined) return;
        const tone = event.ending.kind === 'cancelled' ? 'stopped' : 'warning';
        return this.attempt('the ending', () => this.post({ kind: 'notice', text: notice, tone }, 'final'));
      }
      case 'error':
        await this.closeTexts();
        if (event.quiet) return this.acknowledge(event.text);
        return this.attempt('the error', () =>
          this.post({ kind: 'notice', text: event.text, tone: 'warning' }, 'final'),
        );
      case 'approval.requested':
        return this.attempt('an approval prompt', () => this.askApproval(event));
      case 'approval.decided':
        return this.attempt('an approval outcome', () => this.showOutcome(event));
      case 'usage':
        return;
    }
  }

  /** Whatever still streams is kept as it stands; the indicator goes; a failure is told once. */
  async end(): Promise<void> {
    await this.closeTexts();
    await this.starting;
    for (const text of this.texts.values()) {
      await text
        .settled()
        .catch((error: unknown) =>
          this.log.warn({ ...this.surface.describe(error) }, 'tidying up after an answer text failed'),
        );
    }
    if (this.indicator)
      await this.attempt('ending the run', () => this.indicator?.stop() ?? Promise.resolve(), 'decoration');
    if (!this.failed || this.closed) return;
    await this.post({ kind: 'notice', text: USER_MESSAGES.platform_error, tone: 'warning' }, 'final').catch(
      (error: unknown) =>
        this.log.error({ ...this.surface.describe(error) }, 'could not even say that posting failed'),
    );
  }

  private async startIndicator(): Promise<void> {
    const working = await this.indicator?.start();
    if (working !== undefined) this.journal.record('working', [working]);
  }

  private textFor(messageId: string): TextPart {
    let text = this.texts.get(messageId);
    if (!text) {
      const part = `text:${messageId}`;
      text = new TextPart(this.place, {
        maxLength: this.surface.limits.maxMessageLength,
        editIntervalMs: this.surface.limits.editIntervalMs,
        existing: this.journal.posted[part] ?? [],
        keyOf: (index) => this.keyOf(part, index),
        onPosted: (ids) => {
          for (const id of ids) this.indicator?.posted(id);
          this.journal.record(part, ids);
        },
        ...(this.watch && { watch: this.watch(this.log.child({ text: messageId })) }),
      });
      this.texts.set(messageId, text);
    }
    return text;
  }

  /**
   * A run that ended early (cancelled, failed) leaves text that streamed without a final version.
   * Even in a place the platform refused, each text is closed: that is what stops its retries.
   */
  private async closeTexts(): Promise<void> {
    for (const text of this.texts.values()) {
      if (this.closed) await text.close().catch(() => undefined);
      else await this.attempt('the answer', () => text.close());
    }
  }

  /**
   * A refusal the user was already told about in this window: only they hear of it again (a reaction,
   * an ephemeral reply), so that a flood of messages is not answered by a flood of notices.
   */
  private async acknowledge(text: string): Promise<void> {
    const acknowledge = this.place.acknowledge?.bind(this.place);
    if (!acknowledge) {
      this.log.debug('a repeated refusal, not shown: the platform has no quiet way to tell the sender');
      return;
    }
    await acknowledge(text).catch((error: unknown) =>
      this.log.debug({ ...this.surface.describe(error) }, 'could not acknowledge a repeated refusal'),
    );
  }

  private async showTool(event: Extract<ReplyEvent, { type: 'tool' }>): Promise<void> {
    const part = `tool:${event.call.id}`;
    if (this.shown(part)) return;
    const view = toolMessage(event.call, {
      mode: this.toolDisplay,
      maxLength: this.surface.limits.maxMessageLength,
    });
    if (!view) return;
    const files = view.attachments.map((a) => ({
      name: a.name,
      bytes: new TextEncoder().encode(a.content),
      mimeType: 'text/plain; charset=utf-8',
    }));
    this.journal.record(part, [await this.post({ kind: 'tool', text: view.text, files }, 'update', part)]);
  }

  private async showFile(file: OutboundFile): Promise<void> {
    const name = safeFileName(file);
    const part = `file:${name}`;
    if (this.shown(part)) return;
    const { maxUploadBytes } = this.surface.limits;
    if (file.bytes.byteLength > maxUploadBytes) {
      const text = `${name} is ${size(file.bytes.byteLength)}, too big to upload here (the limit is ${size(maxUploadBytes)}).`;
      this.journal.record(part, [await this.post({ kind: 'notice', text, tone: 'file' }, 'update', part)]);
      return;
    }
    try {
      const upload = { name, bytes: file.bytes, mimeType: file.mimeType };
      const ids = await this.place.upload(upload, this.keyOf(part, 0));
      for (const id of ids) this.indicator?.posted(id);
      this.journal.record(part, ids);
    } catch (error) {
      if (!this.surface.isUploadRefused?.(error)) throw error;
      this.log.error(
        { ...this.surface.describe(error) },
        'the platform refused a file upload: the bot needs permission to attach files here',
      );
      const text = `I made ${name}, but I am not allowed to attach files in this channel.`;
      this.journal.record(part, [await this.post({ kind: 'notice', text, tone: 'file' }, 'update', part)]);
    }
  }

  /** What the tool will do, with Approve and Deny; a resumed run's prompt is already there. */
  private async askApproval(request: ApprovalRequested): Promise<void> {
    const part = `approval:${request.approvalId}`;
    const existing = this.journal.posted[part]?.[0];
    this.approvals.set(request.approvalId, { messageId: existing, request });
    if (existing !== undefined) return;
    const messageId = await this.post({ kind: 'approval', request }, 'first', part);
    this.approvals.set(request.approvalId, { messageId, request });
    this.journal.record(part, [messageId]);
  }

  private async showOutcome(event: Extract<ReplyEvent, { type: 'approval.decided' }>): Promise<void> {
    const shown = this.approvals.get(event.approvalId);
    if (shown?.messageId === undefined) return;
    const outcome = outcomeLine(event.outcome, event.by, mention);
    await this.place.edit(shown.messageId, { kind: 'approval', request: shown.request, outcome }, 'final');
  }

  /** True when the journal has the part on the platform already (an empty list is not enough). */
  private shown(part: string): boolean {
    return (this.journal.posted[part]?.length ?? 0) > 0;
  }

  /** The key of a part's post, by its place in the part's messages (see `CallOptions.key`). */
  private keyOf(part: string, index: number): PostKey {
    const { answerId, resumed } = this.journal;
    if (answerId === undefined) return {};
    return { key: `${answerId}:${part}:${index}`, ...(resumed && { mayExist: true }) };
  }

  /**
   * Posts a message; long notices and tool texts are split at the platform's limit (the first id is
   * kept). A message of a journaled `part` is keyed.
   */
  private async post(
    message: SurfaceMessage,
    priority: CallPriority = 'update',
    part?: string,
  ): Promise<string> {
    const key = (index: number) => (part === undefined ? undefined : this.keyOf(part, index));
    const ids: string[] = [];
    if (message.kind === 'notice' || message.kind === 'tool') {
      const chunks = splitMessage(message.text, this.surface.limits.maxMessageLength);
      for (const [i, text] of chunks.entries()) {
        const last = i === chunks.length - 1;
        const piece: SurfaceMessage =
          message.kind === 'tool'
            ? { ...message, text, files: last ? message.files : [] }
            : { ...message, text };
        ids.push(await this.place.post(piece, priority, key(i)));
      }
    } else {
      ids.push(await this.place.post(message, priority, key(0)));
    }
    for (const id of ids) this.indicator?.posted(id);
    return ids[0] ?? '';
  }

  private async attempt(
    what: string,
    work: () => Promise<unknown>,
    part: 'answer' | 'decoration' = 'answer',
  ) {
    if (this.closed) return;
    try {
      await work();
    } catch (error) {
      const fields = { ...this.surface.describe(error) };
      if (this.surface.isClosed(error)) {
        this.closed = true;
        this.log.error(
          fields,
          `${platformName(this.surface)} refused to post the answer (the bot lacks access here); the rest of this answer is dropped`,
        );
        return;
      }
      // A missing working line or status is cosmetic; a missing part of the answer is not.
      if (part === 'answer') this.failed = true;
      this.log.warn(fields, `${platformName(this.surface)}: ${what} failed`);
    }
  }
}

/** The answer with its sources as numbered footnotes under it, as the platform writes them. */
export function withFootnotes(
  text: string,
  citations: readonly Citation[],
  footnotes: (citations: readonly Citation[]) => string = formatFootnotes,
): string {
  return citations.length === 0 ? text : `${text}\n\n${footnotes(citations)}`;
}

/** The platform as people write it in a log line: `Discord`, `Slack`. */
const platformName = (surface: ChatSurface) =>
  surface.platform.charAt(0).toUpperCase() + surface.platform.slice(1);

/** A size as people read it: KB below a megabyte. */
const size = (n: number) =>
  n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;

/** A name every platform keeps as it is; pictures without an extension become .png. */
function safeFileName(file: OutboundFile): string {
  const name = file.name.replace(/[^\w.-]+/g, '_').replace(/^\.+/, '') || 'file';
  return file.kind === 'image' && !/\.\w+$/.test(name) ? `${name}.png` : name;
}
