import type { Backend } from '../../backends/backend.js';
import type { Logger } from '../../core/logger.js';
import type { Store } from '../../store/types.js';
import type { Orchestrator } from '../orchestrator.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What a sweep needs: the store, the backend that owns the threads, and who is busy on this instance. */
export interface CleanupOptions {
  store: Store;
  backend: Pick<Backend, 'name' | 'deleteThread'>;
  orchestrator: Pick<Orchestrator, 'isBusy'>;
  /** A conversation unused for longer than this is deleted. */
  ttlMs: number;
  /** The sweep period: one instance per period of this length does the sweep. */
  intervalMs: number;
  logger: Logger;
  /** Default: `Date.now`. */
  now?: () => number;
  /** Stops a sweep between conversations (for shutdown). */
  signal?: AbortSignal;
}

/** What one sweep did. `leased` is false when another sweep (here or elsewhere) had this period. */
export interface SweepResult {
  leased: boolean;
  deleted: number;
  /** Idle by the record but with a run going or messages waiting on this instance: left for later. */
  busy: number;
  /** The service refused the delete: the record is kept, so the next sweep tries again. */
  failed: number;
}

/** `THREAD_TTL_DAYS` in milliseconds. */
export function threadTtlMs(days: number): number {
  return days * DAY_MS;
}

/**
 * Deletes the conversations idle for longer than `ttlMs`: the assistant thread at the service, then
 * the thread record (follows are kept: a later message in the chat thread starts a new conversation).
 *
 * Several instances may share the store: each period starts with a lease (a dedupe mark named after
 * the period), so one instance per period sweeps. The service thread goes first because a delete is
 * idempotent there (404 counts as done) and the orchestrator recovers from a thread that is gone; the
 * record is deleted only if it still names that thread and is still idle, so a conversation that woke
 * up meanwhile (on any instance) keeps its new state.
 */
export async function sweepIdleConversations(options: CleanupOptions): Promise<SweepResult> {
  const { store, backend, orchestrator, logger } = options;
  const now = (options.now ?? Date.now)();
  const result: SweepResult = { leased: false, deleted: 0, busy: 0, failed: 0 };
  const period = Math.floor(now / options.intervalMs);
  if (!(await store.dedupe.claim(`cleanup-sweep:${period}`, options.intervalMs))) return result;
  result.leased = true;

  const cutoff = now - options.ttlMs;
  const isIdle = (lastUsedAt: number) => lastUsedAt < cutoff;
  for (const { key, record } of await store.threads.list()) {
    if (options.signal?.aborted) break;
    // Threads of the other backend cannot be deleted through this one; they wait for a switch back.
    if (!isIdle(record.lastUsedAt) || record.backend !== backend.name) continue;
    if (orchestrator.isBusy(key)) {
      result.busy++;
      continue;
    }
    try {
      await backend.deleteThread(record.threadId);
    } catch (err) {
      result.failed++;
      logger.warn({ err, conversation: key }, 'could not delete an idle assistant thread');
      continue;
    }
    const current = await store.threads.get(key);
    if (current?.threadId === record.threadId && isIdle(current.lastUsedAt)) await store.threads.delete(key);
    result.deleted++;
  }
  if (result.deleted + result.busy + result.failed > 0)
    logger.info({ ...result }, 'idle conversations swept');
  return result;
}

/** A running periodic sweep. */
export interface Cleanup {
  /** Stops the timer and waits for a sweep in progress (which stops at the next conversation). */
  stop(): Promise<void>;
}

/**
 * Sweeps once now (so that instances restarted more often than the interval still sweep) and then
 * every `intervalMs`; a sweep still going when the next is due is not doubled. The timer never holds
 * the process open, and a failing sweep is logged, never thrown.
 */
export function startCleanup(options: Omit<CleanupOptions, 'signal'>): Cleanup {
  const controller = new AbortController();
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running || controller.signal.aborted) return;
    running = sweepIdleConversations({ ...options, signal: controller.signal })
      .then(
        () => undefined,
        (err: unknown) => options.logger.error({ err }, 'idle-conversation sweep failed'),
      )
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, options.intervalMs).unref();
  tick();
  return {
    async stop() {
      clearInterval(timer);
      controller.abort();
      await running;
    },
  };
}
