import type { BackendEvent, FileRef } from '../../backends/backend.js';
import type { Logger } from '../../core/logger.js';
import type { InboundMessage } from '../../core/messages.js';
import type { ReplyEvent } from '../../core/reply-events.js';
import { applyAnnotations, createMarkerFilter } from '../../render/citations.js';
import { finalEvent } from './endings.js';
import { optional } from './optional.js';
import type { RunLedger } from './run-ledger.js';
import type { TurnDeps } from './turn-deps.js';

/** The backend events a turn turns into reply events itself (tool calls and approvals are the turn's). */
export type AnswerEvent = Exclude<BackendEvent, { type: 'action.required' | 'approval.required' }>;

/**
 * What the run's events become: reply events for the user (text through the citation filter, tool
 * views, files fetched once), the run's record for a restart, the usage. Remembers how far the run got.
 */
export class RunEvents {
  /** The run said how it ended. */
  ended = false;
  /** Has anything of the run reached the user? */
  started = false;
  private readonly filters = new Map<string, ReturnType<typeof createMarkerFilter>>();
  private readonly deliveredFiles = new Set<string>();

  constructor(
    private readonly deps: TurnDeps,
    /** The last message of the batch: the run answers it, as its user. */
    private readonly message: InboundMessage,
    readonly emit: (event: ReplyEvent) => void,
    public log: Logger,
    private readonly ledger: RunLedger,
  ) {}

  /** Every later log line of the turn names the run. */
  nameRun(runId: string): void {
    this.log = this.log.child({ runId });
  }

  async handle(
    event: AnswerEvent,
    threadId: string,
    batch: readonly InboundMessage[],
    signal: AbortSignal,
  ): Promise<void> {
    this.started ||= event.type !== 'checkpoint';
    switch (event.type) {
      case 'run.created':
        this.nameRun(event.checkpoint.runId);
        // Awaited before the run's first text: then every post of the answer has a record behind it,
        // which is what tells a resumed answer to look for its keyed posts. With the write-ahead log
        // it costs a fraction of a millisecond on a quiet server; on a busy one it is the back-pressure
        // that keeps turns from streaming ahead of the store. Not awaited (tried), 1,000 concurrent
        // answers peaked at 675 MB instead of 434 and took 42.5 s instead of 28 (bench scenario 4).
        await this.ledger.start({
          key: this.message.key,
          backend: this.deps.backend.name,
          threadId,
          runId: event.checkpoint.runId,
          ...optional('position', event.checkpoint.position),
          messageIds: batch.map((m) => m.id),
          userId: this.message.userId,
          replyTo: this.message.replyTo,
          startedAt: this.deps.now(),
        });
        // Logged once the record is written: from here a restart resumes the run (tests wait for it).
        this.log.info({ messages: batch.length }, 'run started');
        this.emit({ type: 'run.started', runId: event.checkpoint.runId, messageIds: batch.map((m) => m.id) });
        return;
      case 'checkpoint':
        // Where the run is now (a later response of the turn, a later stream position): what a
        // restart needs to pick the run up again.
        await this.ledger.checkpoint(event.checkpoint);
        return;
      case 'status':
        this.emit({ type: 'status', text: event.text });
        return;
      case 'text.delta': {
        const delta = this.filterFor(event.itemId).push(event.delta);
        if (delta) this.emit({ type: 'text.delta', messageId: event.itemId, delta });
        return;
      }
      case 'text.done': {
        this.filters.delete(event.itemId);
        const { text, citations } = applyAnnotations(event.text, event.annotations);
        this.emit({ type: 'text.done', messageId: event.itemId, text, citations });
        for (const annotation of event.annotations) {
          if (annotation.file) await this.deliver(annotation.file, 'file');
        }
        return;
      }
      case 'tool':
        this.emit({ type: 'tool', call: event.call });
        return;
      case 'file':
        await this.deliver(event.ref, event.kind);
        return;
      case 'usage':
        this.emit({ type: 'usage', usage: event.usage });
        await this.deps.store.usage
          .record(this.message.key, this.message.userId, event.usage, new Date(this.deps.now()))
          .catch((err: unknown) => this.log.warn({ err }, 'could not record usage'));
        return;
      case 'ended':
        this.ended = true;
        if (event.ending.kind !== 'completed') this.log.info({ ending: event.ending }, 'run ended');
        this.emit(finalEvent(event.ending, signal));
        return;
    }
  }

  private filterFor(itemId: string): ReturnType<typeof createMarkerFilter> {
    let filter = this.filters.get(itemId);
    if (!filter) {
      filter = createMarkerFilter();
      this.filters.set(itemId, filter);
    }
    return filter;
  }

  /** Downloads a file the model made and passes it on, once per file however often it is named. */
  private async deliver(ref: FileRef, kind: 'image' | 'file'): Promise<void> {
    if (this.deliveredFiles.has(ref.fileId)) return;
    this.deliveredFiles.add(ref.fileId);
    try {
      const file = await this.deps.backend.downloadFile(ref);
      this.emit({
        type: 'file',
        file: { ...file, kind: kind === 'image' || file.mimeType.startsWith('image/') ? 'image' : 'file' },
      });
    } catch (err) {
      this.log.warn({ err, fileId: ref.fileId }, 'could not download a generated file');
      this.emit({
        type: 'notice',
        text: `A file the assistant made could not be downloaded (${ref.name ?? ref.fileId}).`,
      });
    }
  }
}
