import type { BaselineLatency } from './baseline/baseline-latency.js';
import type { ConsoleProcessFigures } from './console-process.js';
import type { FloodFigures } from './flood.js';
import type { LatencyFigures } from './latency.js';
import type { PacingFigures } from './pacing.js';
import type { RequestsTable } from './requests.js';
import type { ScaleFigures } from './scale.js';
import type { BusyWorkspaceFigures } from './slack-busy.js';
import type { StartupFigures } from './startup.js';

export type Platform = 'console' | 'discord' | 'slack' | 'web';

/** Everything `npm run bench` measured: what bench/results/latest.json holds. */
export interface BenchResults {
  meta: {
    date: string;
    size: string;
    node: string;
    cpus: number;
    cpuModel: string;
    durationS?: number;
    /** The scenarios this run measured (BENCH_ONLY); the others' figures are carried over from `carriedFrom`. */
    ran?: string[];
    /** The date of the run whose figures were kept for the scenarios not run this time. */
    carriedFrom?: string;
    /** What else the machine was doing, when the person running the bench said (BENCH_NOTE). */
    note?: string;
  };
  /** 1: added latency in ms, per backend and adapter. */
  latency?: Record<'assistants' | 'responses', Record<Platform, LatencyFigures>>;
  /** 1b: the console as its own process in a terminal, beside the bare streaming client (the floor). */
  consoleProcess?: ConsoleProcessFigures;
  /** 2: requests to the model service per answer. */
  requests?: Record<'assistants' | 'responses', RequestsTable>;
  /** 3: platform calls under 200 concurrent answers. */
  pacing?: { discord?: PacingFigures; slack?: PacingFigures };
  /** 3b: new answers in a Slack workspace whose Tier 2 budget is spent. */
  busy?: BusyWorkspaceFigures;
  /** 3c: one user flooding a Slack channel while another asks there. */
  flood?: FloodFigures;
  /** 4: concurrent conversations in one process. */
  scale?: ScaleFigures;
  /** 5: the seed's loop on the same scenarios, and our ratios to it. */
  baseline?: {
    latency: BaselineLatency;
    requests: RequestsTable;
    ratios: {
      /** Our p50 / the seed's p50 (console adapter, Assistants backend; lower is better). */
      latencyP50: number;
      latencyP95: number;
      /** Our requests per answer / the seed's, per kind and backend. */
      requests: Record<'assistants' | 'responses', Record<string, number>>;
    };
  };
  /** 6: the real process. */
  startup?: StartupFigures;
  /** Targets of the issue, met or not, with by how much. */
  targets?: TargetCheck[];
  /** The run before this one (as bench/results/latest.json held it), for comparison. */
  previous?: Omit<BenchResults, 'previous'>;
}

export interface TargetCheck {
  what: string;
  target: string;
  measured: string;
  met: boolean;
}
