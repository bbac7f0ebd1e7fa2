import type { Usage } from './reply-events.js';

/**
 * What the bot counts, without saying how: the orchestrator and adapters report here, and ops/
 * turns it into Prometheus metrics. Tests and tools that do not care pass `NO_METRICS`.
 */
export interface Metrics {
  /** A run ended (`completed`, `failed`, `timeout`...) after `durationMs`. */
  runEnded(backend: string, ending: string, durationMs: number): void;
  /** The first answer text of a run reached the adapter `ms` after the run began. */
  firstText(backend: string, ms: number): void;
  tokens(backend: string, usage: Usage): void;
  /** Messages waiting behind an active run, over all conversations. */
  queueDepth(depth: number): void;
  /** A call to a chat platform failed (`error`) or was refused for its rate limit (`rate_limited`). */
  platformProblem(platform: string, kind: 'error' | 'rate_limited'): void;
  /** A call to the model service failed, by error code (`model_service_misconfigured`...). */
  modelServiceError?(backend: string, code: string): void;
  /**
   * An answer's text became visible on a platform: `first`, `ms` after the model's first token of it
   * reached the renderer; `final`, `ms` after its last.
   */
  textVisible?(platform: string, phase: 'first' | 'final', ms: number): void;
  /** A platform call waited for its turn in one of the platform's budgets (by budget and lane). */
  budgetWait?(platform: string, budget: string, lane: string): void;
  /**
   * How an answer's text is shown (`stream`, `edit`, `whole`): chosen when it starts (`from`
   * undefined), or changed while it streams.
   */
  renderStrategy?(platform: string, to: string, from?: string): void;
}

/** Metrics that go nowhere. */
export const NO_METRICS: Metrics = {
  runEnded() {},
  firstText() {},
  tokens() {},
  queueDepth() {},
  platformProblem() {},
};
