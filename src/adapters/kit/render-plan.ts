import type { TextBudgetState } from './chat-surface.js';
import type { ShareKey } from './fair-share.js';
import type { RateBudget } from './rate-budget.js';

/**
 * How an answer's text is shown, cheapest last: `stream` (the platform's native stream, Slack),
 * `edit` (posted, then edited as it grows), `whole` (each message posted once its text is complete,
 * with the first text posted early when that is cheap; nothing edited while it streams).
 */
export type TextStrategy = 'stream' | 'edit' | 'whole';

/** What the planner decided for the text that is not natively streamed. */
export interface TextPlan {
  mode: 'edit' | 'whole';
  /** Intermediate updates at most this often. */
  intervalMs: number;
  /** The first text goes out before its message is complete. */
  firstEarly: boolean;
}

/**
 * Render planning for edited text, from how busy the budgets are right now (`state`, from the place)
 * and the platform's edit interval `baseMs`. Edits go while an update would wait less than one
 * interval, the interval stretching with the wait (twice the wait on top), so that calls per answer
 * fall as contention grows; past that, only whole messages (`whole`), until the wait falls below half
 * an interval again (so that a budget near the edge does not flip an answer back and forth). The
 * first text goes early while a first post would wait less than one interval.
 */
export function planText(
  state: TextBudgetState | undefined,
  baseMs: number,
  current: TextPlan['mode'] = 'edit',
): TextPlan {
  if (!state) return { mode: 'edit', intervalMs: baseMs, firstEarly: true };
  const limit = current === 'whole' ? baseMs / 2 : baseMs;
  if (state.updateWaitMs <= limit) {
    const firstEarly = state.firstWaitMs <= baseMs;
    return { mode: 'edit', intervalMs: baseMs + 2 * state.updateWaitMs, firstEarly };
  }
  // Busy: an early first text would cost an edit later that the budget cannot spare; the first
  // message goes once it is complete (or at the end), like the others.
  return { mode: 'whole', intervalMs: baseMs, firstEarly: false };
}

/**
 * A place's `textBudgets` when one budget paces all its posts and edits (Discord; a new platform's
 * simplest case): how long a first post and an update of this share would wait there now.
 */
export function budgetState(budget: RateBudget, share?: ShareKey): () => TextBudgetState {
  return () => ({ firstWaitMs: budget.waitMs('first', share), updateWaitMs: budget.waitMs('update', share) });
}
