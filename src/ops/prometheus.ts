import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Metrics } from '../core/metrics.js';

/** Seconds: from a fast streamed reply to a long code-interpreter run. */
const FIRST_TEXT_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32];
const RUN_BUCKETS = [0.5, 1, 2, 5, 10, 20, 40, 80, 160, 320];
/** Seconds from the model's token to the platform showing it: render planning keeps these short. */
const VISIBLE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 30, 60];

/** Faults the process survived or ends on, counted where a dashboard can see them. */
export interface FaultCounters {
  /** A platform client could not read an event of this type; the event was dropped. */
  droppedEvent(platform: string, type: string): void;
  /** An error reached the process-level handlers (`uncaught_exception`, `unhandled_rejection`). */
  processFault(kind: string): void;
}

/** The process-level faults, shown at 0 from the start so an alert on their rate has a series. */
const PROCESS_FAULT_KINDS = ['uncaught_exception', 'unhandled_rejection'] as const;

/** The bot's metrics in a Prometheus registry of their own (plus the process defaults). */
export interface PrometheusMetrics {
  metrics: Metrics;
  faults: FaultCounters;
  registry: Registry;
}

/** Event types come from the platforms: a label keeps only names that look like one, so no payload can bloat it. */
function eventLabel(type: string): string {
  return /^[A-Za-z0-9_.:/-]{1,64}$/.test(type) ? type : 'other';
}

/** Creates the registry and the `Metrics` that write to it; names are prefixed `threadloom_`. */
export function createPrometheusMetrics(): PrometheusMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'threadloom_' });
  const runs = new Counter({
    name: 'threadloom_runs_total',
    help: 'Runs by backend and how they ended.',
    labelNames: ['backend', 'ending'],
    registers: [registry],
  });
  const runSeconds = new Histogram({
    name: 'threadloom_run_duration_seconds',
    help: 'Total run time, tool rounds included.',
    labelNames: ['backend'],
    buckets: RUN_BUCKETS,
    registers: [registry],
  });
  const firstText = new Histogram({
    name: 'threadloom_time_to_first_text_seconds',
    help: 'From the start of a run to its first answer text.',
    labelNames: ['backend'],
    buckets: FIRST_TEXT_BUCKETS,
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'threadloom_tokens_total',
    help: 'Tokens used, by backend and kind (input, output, reasoning).',
    labelNames: ['backend', 'kind'],
    registers: [registry],
  });
  const queueDepth = new Gauge({
    name: 'threadloom_queue_depth',
    help: 'Messages waiting behind an active run, over all conversations.',
    registers: [registry],
  });
  const platformProblems = new Counter({
    name: 'threadloom_platform_problems_total',
    help: 'Chat platform calls that failed (error) or were refused for rate limits (rate_limited).',
    labelNames: ['platform', 'kind'],
    registers: [registry],
  });
  const modelServiceErrors = new Counter({
    name: 'threadloom_model_service_errors_total',
    help: 'Failed model-service calls by backend and error code (model_service_misconfigured, model_service_out_of_credit...).',
    labelNames: ['backend', 'code'],
    registers: [registry],
  });
  const droppedEvents = new Counter({
    name: 'threadloom_dropped_events_total',
    help: 'Platform events the platform client could not read or handle: dropped (and acknowledged), by type.',
    labelNames: ['platform', 'type'],
    registers: [registry],
  });
  const processFaults = new Counter({
    name: 'threadloom_process_faults_total',
    help: 'Errors that reached the process-level handlers, by kind (see docs/operations.md).',
    labelNames: ['kind'],
    registers: [registry],
  });
  for (const kind of PROCESS_FAULT_KINDS) processFaults.inc({ kind }, 0);
  const visible = {
    first: new Histogram({
      name: 'threadloom_first_text_visible_seconds',
      help: "From the model's first token of an answer text to that text visible on the platform.",
      labelNames: ['platform'],
      buckets: VISIBLE_BUCKETS,
      registers: [registry],
    }),
    final: new Histogram({
      name: 'threadloom_final_text_visible_seconds',
      help: "From the model's last token of an answer text to its final version visible on the platform.",
      labelNames: ['platform'],
      buckets: VISIBLE_BUCKETS,
      registers: [registry],
    }),
  };
  const budgetWaits = new Counter({
    name: 'threadloom_budget_waits_total',
    help: 'Platform calls that waited for their turn in a rate budget, by budget and lane (final, first, update, background).',
    labelNames: ['platform', 'budget', 'lane'],
    registers: [registry],
  });
  const strategies = new Counter({
    name: 'threadloom_render_strategies_total',
    help: 'Answer texts by how they started to be shown (stream, edit, whole).',
    labelNames: ['platform', 'strategy'],
    registers: [registry],
  });
  const switches = new Counter({
    name: 'threadloom_render_strategy_switches_total',
    help: 'Answer texts that changed how they are shown while streaming, by from and to.',
    labelNames: ['platform', 'from', 'to'],
    registers: [registry],
  });
  return {
    registry,
    faults: {
      droppedEvent(platform, type) {
        droppedEvents.inc({ platform, type: eventLabel(type) });
      },
      processFault(kind) {
        processFaults.inc({ kind });
      },
    },
    metrics: {
      runEnded(backend, ending, durationMs) {
        runs.inc({ backend, ending });
        runSeconds.observe({ backend }, durationMs / 1000);
      },
      firstText(backend, ms) {
        firstText.observe({ backend }, ms / 1000);
      },
      tokens(backend, usage) {
        tokens.inc({ backend, kind: 'input' }, usage.inputTokens);
        tokens.inc({ backend, kind: 'output' }, usage.outputTokens);
        tokens.inc({ backend, kind: 'reasoning' }, usage.reasoningTokens);
      },
      queueDepth(depth) {
        queueDepth.set(depth);
      },
      platformProblem(platform, kind) {
        platformProblems.inc({ platform, kind });
      },
      modelServiceError(backend, code) {
        modelServiceErrors.inc({ backend, code });
      },
      textVisible(platform, phase, ms) {
        visible[phase].observe({ platform }, ms / 1000);
      },
      budgetWait(platform, budget, lane) {
        budgetWaits.inc({ platform, budget, lane });
      },
      renderStrategy(platform, to, from) {
        if (from === undefined) strategies.inc({ platform, strategy: to });
        else switches.inc({ platform, from, to });
      },
    },
  };
}
