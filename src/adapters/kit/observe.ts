import type { Logger } from '../../core/logger.js';
import type { Metrics } from '../../core/metrics.js';
import type { CallPriority } from './chat-surface.js';
import type { BudgetWatcher } from './rate-budget.js';
import type { TextWatch } from './text-part.js';

/**
 * How one answer text is watched: its strategy counted (and a change logged, so that an operator can
 * see why an answer showed its text the way it did), and when its text became visible measured.
 */
export function textWatch(metrics: Metrics | undefined, platform: string, log: Logger): TextWatch {
  return {
    strategy(to, from) {
      metrics?.renderStrategy?.(platform, to, from);
      if (from === undefined) log.debug({ strategy: to }, 'answer text shown by strategy');
      else log.info({ from, to }, 'answer changed strategy: the platform budgets changed while it streamed');
    },
    shown(phase, ms) {
      metrics?.textVisible?.(platform, phase, ms);
    },
  };
}

/** A budget's waits counted under `name` in the platform's metrics. */
export function budgetWatcher(metrics: Metrics | undefined, platform: string, name: string): BudgetWatcher {
  return {
    name,
    waited(lane: CallPriority) {
      metrics?.budgetWait?.(platform, name, lane);
    },
  };
}
