import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { startFakeOpenAI } from '../src/model-server/index.js';
import { baselineLatency } from './baseline/baseline-latency.js';
import { consoleAsProcess } from './console-process.js';
import { flood } from './flood.js';
import { latencyOn } from './latency.js';
import { pacingOnDiscord } from './pacing-discord.js';
import { pacingOnSlack } from './pacing-slack.js';
import { type AnswerKind, requestsOfBaseline, requestsOn } from './requests.js';
import type { BenchResults } from './results.js';
import { measureScale } from './scale.js';
import type { BenchSizes } from './sizes.js';
import { busyWorkspace } from './slack-busy.js';
import { type EntryKind, measureStartup } from './startup.js';
import { now } from './stats.js';
import { checkTargets } from './targets.js';

export type Scenario =
  | 'latency'
  | 'requests'
  | 'pacing'
  | 'pacing-discord'
  | 'pacing-slack'
  | 'busy'
  | 'flood'
  | 'scale'
  | 'baseline'
  | 'startup';
/** Every scenario of a full run (`pacing` is both of its platforms). */
export const ALL_SCENARIOS: readonly Scenario[] = [
  'latency',
  'requests',
  'baseline',
  'pacing',
  'busy',
  'flood',
  'scale',
  'startup',
];
/** What BENCH_ONLY may name: the scenarios, and each platform of scenario 3 alone. */
export const SCENARIO_NAMES: readonly Scenario[] = [...ALL_SCENARIOS, 'pacing-discord', 'pacing-slack'];

export interface RunOptions {
  sizes: BenchSizes;
  /** How scenarios 1b, 4 and 6 start the real processes. */
  entry: EntryKind;
  only?: readonly Scenario[];
  /** Progress lines (standard error by default). */
  log?: (line: string) => void;
}

/** Runs the scenarios and returns every figure; `writeResults` stores them. */
export async function runBench(options: RunOptions): Promise<BenchResults> {
  const { sizes } = options;
  const only = new Set(options.only ?? ALL_SCENARIOS);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const startedAt = now();
  const results: BenchResults = {
    meta: {
      date: new Date().toISOString(),
      size: sizes.name,
      node: process.versions.node,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    },
  };
  const openai = await startFakeOpenAI();
  try {
    if (only.has('latency') || only.has('baseline')) {
      log('1. added latency');
      results.latency = {
        assistants: await latencyOn('assistants', openai, sizes.latency),
        responses: await latencyOn('responses', openai, sizes.latency),
      };
    }
    if (only.has('latency')) {
      log('1b. the console as a process, beside a bare streaming client');
      const { conversations, turnsEach } = sizes.latency;
      results.consoleProcess = await consoleAsProcess(openai, conversations * turnsEach, options.entry);
    }
    if (only.has('requests') || only.has('baseline')) {
      log('2. requests per answer');
      results.requests = {
        assistants: await requestsOn('assistants', openai, sizes.requestsRepeats),
        responses: await requestsOn('responses', openai, sizes.requestsRepeats),
      };
    }
    if (only.has('baseline') && results.latency && results.requests) {
      log('5. the seed loop');
      const ours = results.latency.assistants.console;
      const latency = await baselineLatency(
        openai,
        sizes.baseline.turns,
        sizes.baseline.concurrency,
        ours.modelTtftP50,
      );
      const requests = await requestsOfBaseline(openai, sizes.requestsRepeats);
      const ratio = (backend: 'assistants' | 'responses') =>
        Object.fromEntries(
          (Object.keys(requests) as AnswerKind[]).map((k) => [
            k,
            (results.requests?.[backend][k].median ?? Number.NaN) / requests[k].median,
          ]),
        );
      results.baseline = {
        latency,
        requests,
        ratios: {
          latencyP50: ours.p50 / latency.p50,
          latencyP95: ours.p95 / latency.p95,
          requests: { assistants: ratio('assistants'), responses: ratio('responses') },
        },
      };
    }
    const { conversations, words, slackTimeScale } = sizes.pacing;
    if (only.has('pacing') || only.has('pacing-discord')) {
      log('3. platform calls: Discord');
      results.pacing = { ...results.pacing, discord: await pacingOnDiscord(openai, conversations, words) };
    }
    if (only.has('pacing') || only.has('pacing-slack')) {
      log('3. platform calls: Slack');
      const slack = await pacingOnSlack(openai, conversations, words, slackTimeScale);
      results.pacing = { ...results.pacing, slack };
    }
    if (only.has('busy')) {
      log('3b. a busy Slack workspace (Tier 2 spent)');
      const { holding, count, spacingMs, answerMs } = sizes.busy;
      results.busy = await busyWorkspace(openai, holding, count, spacingMs, answerMs);
    }
    if (only.has('flood')) {
      log('3c. one user flooding a Slack channel');
      const { messages, floodMs, answerMs } = sizes.flood;
      results.flood = await flood(openai, messages, floodMs, answerMs);
    }
    if (only.has('scale')) {
      log('4. scale');
      const { levels, tokens, tokensPerSecond } = sizes.scale;
      results.scale = await measureScale(openai, levels, tokens, tokensPerSecond, options.entry);
    }
  } finally {
    await openai.close();
  }
  if (only.has('startup')) {
    log('6. start-up');
    results.startup = await measureStartup(options.sizes.startups, options.entry);
  }
  results.meta.durationS = (now() - startedAt) / 1000;
  if (options.only) results.meta.ran = [...only];
  results.targets = checkTargets(results);
  return results;
}

/** The figures a run produced (not its meta, targets or previous run). */
const FIGURES = [
  'latency',
  'consoleProcess',
  'requests',
  'pacing',
  'busy',
  'flood',
  'scale',
  'baseline',
  'startup',
] as const;

/**
 * Writes the results with the run before beside them (`previous`, from the file being replaced). A
 * run of some scenarios (BENCH_ONLY) keeps the other scenarios' figures from that file, says so in
 * `meta`, and checks the targets over all of them.
 */
export function writeResults(path: string, results: BenchResults): BenchResults {
  let before: BenchResults | undefined;
  try {
    before = JSON.parse(readFileSync(path, 'utf8')) as BenchResults;
  } catch {
    before = undefined;
  }
  const { previous: _older, ...previous } = before ?? ({} as BenchResults);
  const written: BenchResults = { ...results };
  if (results.meta.ran && before) {
    for (const name of FIGURES) {
      if (written[name] !== undefined || before[name] === undefined) continue;
      (written as unknown as Record<string, unknown>)[name] = before[name];
      written.meta = { ...written.meta, carriedFrom: before.meta.carriedFrom ?? before.meta.date };
    }
    if (results.pacing && before.pacing) written.pacing = { ...before.pacing, ...results.pacing };
    written.targets = checkTargets(written);
  }
  if (before) written.previous = previous;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(written, null, 2)}\n`);
  return written;
}
