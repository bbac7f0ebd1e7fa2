import type { BackendName } from '../../backends/backend.js';
import type { InboundMessage } from '../../core/messages.js';
import type { Metrics } from '../../core/metrics.js';
import type { ReplyEvent } from '../../core/reply-events.js';
import type { RunRecord } from '../../store/types.js';
import { AsyncQueue } from '../async-queue.js';
import type { ReplyRouter } from '../reply-router.js';
import { RunLedger } from './run-ledger.js';
import { RunTimer } from './run-timer.js';
import { Turn } from './turn.js';
import type { AbortReason, TurnDeps, TurnOutcome } from './turn-deps.js';

/** What playing one turn needs besides the turn's own dependencies. */
export interface TurnStage {
  deps: Omit<TurnDeps, 'holdTimer'>;
  router: ReplyRouter;
  metrics: Metrics;
  /** RUN_TIMEOUT_MS: the run is stopped past this (time waiting for an approval not counted). */
  timeoutMs: number;
  /** A finished run whose record could not be deleted (see `RunLedger`). */
  onClearFailed?: (record: Pick<RunRecord, 'key' | 'turnId'>) => void;
}

/**
 * Plays one turn from start to finish: the run (or the resumed run) with its deadline, its reply
 * events streamed to the platform's renderer and to the metrics, and its record in the store kept
 * until the answer is on the platform.
 */
export async function playTurn(
  stage: TurnStage,
  batch: readonly InboundMessage[],
  controller: AbortController,
  resume?: RunRecord,
): Promise<void> {
  const [first, ...rest] = batch;
  if (!first) return;
  const last = batch.at(-1) as InboundMessage;
  const { deps } = stage;
  const log = deps.logger.child({ conversation: last.key });
  const ledger = new RunLedger(deps.store.runs, log, resume, stage.onClearFailed);
  const events = new AsyncQueue<ReplyEvent>();
  const rendering = stage.router.render(last, events, ledger);
  const timer = new RunTimer(
    () => controller.abort('timeout' satisfies AbortReason),
    stage.timeoutMs,
    deps.now,
  );
  const observe = observeTurn(stage.metrics, deps.backend.name, deps.now);
  let outcome: TurnOutcome = 'ended';
  try {
    const turn = new Turn(
      { ...deps, holdTimer: () => timer.hold() },
      [first, ...rest],
      (event) => {
        observe(event);
        events.push(event);
      },
      controller.signal,
      ledger,
    );
    outcome = await turn.play(resume);
  } finally {
    timer.clear();
    events.close();
    await rendering;
    // Only once the answer is on the platform: a crash before this point resumes the run. A run
    // suspended by shutdown keeps its record, for the next start.
    if (outcome === 'ended') await ledger.clear(last.key);
    else await ledger.flush();
  }
}

/** Reports one turn's reply events to the metrics: first text, tokens, how it ended. */
function observeTurn(metrics: Metrics, backend: BackendName, now: () => number): (event: ReplyEvent) => void {
  const startedAt = now();
  let sawText = false;
  return (event) => {
    if (!sawText && (event.type === 'text.delta' || event.type === 'text.done')) {
      sawText = true;
      metrics.firstText(backend, now() - startedAt);
    } else if (event.type === 'usage') {
      metrics.tokens(backend, event.usage);
    } else if (event.type === 'done') {
      metrics.runEnded(backend, event.ending.kind, now() - startedAt);
    } else if (event.type === 'error') {
      metrics.runEnded(backend, 'error', now() - startedAt);
    }
  };
}
