import type { BackendName } from '../../backends/backend.js';
import type { ConversationKey } from '../../core/conversation.js';
import type { Logger } from '../../core/logger.js';
import type { RunRecord, Store } from '../../store/types.js';
import type { ConversationClaims } from './claims.js';

export interface TakeOverOptions {
  store: Store;
  claims: ConversationClaims;
  /** The backend in force: runs of the other one cannot be followed from here and are dropped. */
  backend: BackendName;
  logger: Logger;
  /** How often to look for conversations a dead instance left; none: only at start (one instance). */
  intervalMs: number | undefined;
  isHere(key: ConversationKey): boolean;
  stopping(): boolean;
  /** Starts working in a conversation whose lease this instance has just taken: its leftovers first. */
  begin(key: ConversationKey, leftovers: RunRecord[]): void;
}

/**
 * Finds the work an instance left unfinished (a crash, a stop) and takes it up: runs recorded as in
 * flight and messages handed over to it. At start, and then, with several instances, every third of
 * a lease: a conversation whose holder died is taken over by whichever live instance gets its lease
 * first once it has run out. Holding the lease is what makes it safe: a live holder renews it.
 */
export class TakeOverWatch {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> | undefined;
  /** Runs finished here whose records the store did not let go of: deleted, not resumed. */
  private readonly done = new Set<string>();

  constructor(private readonly options: TakeOverOptions) {}

  /** Takes up what is free now, then keeps watching (see intervalMs); resolves with how many now. */
  async start(): Promise<number> {
    const taken = await this.sweep();
    const { intervalMs } = this.options;
    if (intervalMs !== undefined && this.timer === undefined && !this.options.stopping()) {
      this.timer = setInterval(() => {
        this.sweep().then(
          (count) => {
            if (count > 0) this.options.logger.info({ count }, 'took over conversations left unfinished');
          },
          (err: unknown) => this.options.logger.warn({ err }, 'could not look for unfinished conversations'),
        );
      }, intervalMs);
      this.timer.unref();
    }
    return taken;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping?.catch(() => undefined);
  }

  /** A run finished here whose record could not be deleted: it is deleted when next found. */
  finished(record: Pick<RunRecord, 'key' | 'turnId'>): void {
    this.done.add(doneId(record));
  }

  /**
   * The runs left unfinished in a conversation this instance has just taken up, oldest first: they
   * are finished before anything else there. Runs of the other backend are dropped.
   */
  async leftovers(key: ConversationKey): Promise<RunRecord[]> {
    const usable: RunRecord[] = [];
    for (const record of await this.options.store.runs.forConversation(key)) {
      if ((await this.dropIfDone(record)) || (await this.dropIfForeign(record))) continue;
      this.options.logger.info({ conversation: key, runId: record.runId }, 'resuming an unfinished run');
      usable.push(record);
    }
    return usable;
  }

  /** One look; a look already going is joined rather than doubled. */
  private sweep(): Promise<number> {
    this.sweeping ??= this.takeUpFree().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  private async takeUpFree(): Promise<number> {
    const { store, claims } = this.options;
    const keys = new Set<ConversationKey>();
    for (const record of await store.runs.list()) {
      if (!(await this.dropIfDone(record)) && !(await this.dropIfForeign(record))) keys.add(record.key);
    }
    for (const key of await claims.waiting()) keys.add(key);
    let taken = 0;
    for (const key of keys) {
      if (this.options.stopping()) break;
      if (this.options.isHere(key) || !(await claims.hold(key))) continue;
      const leftovers = await this.leftovers(key);
      // Checked again after the waits: a message may have started the conversation here meanwhile.
      if (this.options.isHere(key)) continue;
      this.options.begin(key, leftovers);
      taken += 1;
    }
    return taken;
  }

  private async dropIfDone(record: RunRecord): Promise<boolean> {
    const id = doneId(record);
    if (!this.done.has(id)) return false;
    await this.options.store.runs.delete(record.key, record.turnId);
    this.done.delete(id);
    return true;
  }

  private async dropIfForeign(record: RunRecord): Promise<boolean> {
    if (record.backend === this.options.backend) return false;
    // Made by the other backend before a configuration change: it cannot be followed from here.
    this.options.logger.warn(
      { conversation: record.key, runId: record.runId },
      'dropping a run of another backend',
    );
    await this.options.store.runs.delete(record.key, record.turnId);
    return true;
  }
}

/** One run, whatever its record's layout. */
const doneId = (record: Pick<RunRecord, 'key' | 'turnId'>) => record.turnId ?? `conversation:${record.key}`;
