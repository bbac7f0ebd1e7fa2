import { randomUUID } from 'node:crypto';
import type { RunCheckpoint } from '../../backends/backend.js';
import type { Logger } from '../../core/logger.js';
import type { InboundMessage } from '../../core/messages.js';
import type { AnswerJournal } from '../../core/renderer.js';
import type { RunRecord, RunRepository } from '../../store/types.js';

/**
 * One turn's run record in the store: written when the run starts, moved on at each checkpoint,
 * added to as the renderer posts messages, and deleted when the answer is on the platform. It is
 * what a restarted process resumes from. Writes are serialised and coalesced (the newest state wins),
 * so a burst of posts costs one or two writes, and a write never lands after the delete.
 */
export class RunLedger implements AnswerJournal {
  readonly posted: Readonly<Record<string, readonly string[]>>;
  private run: RunRecord | undefined;
  private readonly parts: Record<string, readonly string[]>;
  private writing: Promise<void> = Promise.resolve();
  private pending = false;
  private cleared = false;
  /** The turn's own record key: a resumed run keeps the one it had (none for an older version's). */
  private readonly turnId: string | undefined;
  readonly resumed: boolean;

  /**
   * `resumed`: the record a crashed or stopped process left behind, when this turn picks it up.
   * `onClearFailed`: told of a finished run whose record could not be deleted (the store was away),
   * so that it is not taken for an unfinished one.
   */
  constructor(
    private readonly runs: RunRepository,
    private readonly log: Logger,
    resumed?: RunRecord,
    private readonly onClearFailed?: (record: Pick<RunRecord, 'key' | 'turnId'>) => void,
  ) {
    this.run = resumed;
    this.turnId = resumed ? resumed.turnId : randomUUID();
    this.resumed = resumed !== undefined;
    this.posted = { ...resumed?.posted };
    this.parts = { ...resumed?.posted };
  }

  /** The run as recorded, once it has started. */
  get current(): RunRecord | undefined {
    return this.run;
  }

  /** The run has started at the service: from now on a crash leaves a record to resume from. */
  async start(record: Omit<RunRecord, 'posted' | 'turnId'>): Promise<void> {
    this.run = { ...record, ...(this.turnId === undefined ? {} : { turnId: this.turnId }) };
    await this.save();
  }

  /** Where the run is now: a later response of the turn, or a later stream position. */
  checkpoint(checkpoint: RunCheckpoint): Promise<void> {
    if (!this.run) return Promise.resolve();
    const { position: _old, ...rest } = this.run;
    this.run = {
      ...rest,
      runId: checkpoint.runId,
      ...(checkpoint.position === undefined ? {} : { position: checkpoint.position }),
    };
    return this.save();
  }

  /** The turn names the answer: the same in every process that resumes it. */
  get answerId(): string | undefined {
    return this.turnId;
  }

  record(part: string, messageIds: readonly string[]): void {
    this.parts[part] = [...messageIds];
    if (this.run) void this.save();
  }

  /** Settles once every change so far is written. */
  async flush(): Promise<void> {
    await this.writing;
  }

  /** The answer is complete on the platform (or cannot be resumed): forget the run. */
  async clear(key: RunRecord['key']): Promise<void> {
    this.cleared = true;
    await this.writing;
    await this.runs.delete(key, this.turnId).catch((err: unknown) => {
      this.log.warn({ err }, 'could not clear the run record');
      this.onClearFailed?.({ key, ...(this.turnId === undefined ? {} : { turnId: this.turnId }) });
    });
  }

  /** Writes the newest state; a call during a write is folded into one more write after it. */
  private save(): Promise<void> {
    if (this.pending) return this.writing;
    this.pending = true;
    this.writing = this.writing.then(async () => {
      this.pending = false;
      if (this.cleared || !this.run) return;
      await this.runs
        .set({ ...this.run, posted: { ...this.parts } })
        .catch((err: unknown) => this.log.warn({ err }, 'could not record the run'));
    });
    return this.writing;
  }
}

/** The message a resumed run answers, rebuilt from its record (its text and files are already in the thread). */
export function resumedMessage(record: RunRecord): InboundMessage {
  return {
    id: record.messageIds.at(-1) ?? record.runId,
    key: record.key,
    userId: record.userId,
    text: '',
    files: [],
    replyTo: record.replyTo,
    receivedAt: record.startedAt,
  };
}
