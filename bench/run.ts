import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { startFakeOpenAI } from '../src/model-server/index.js';
import { baselineLatency } from './baseline/baseline-latency.js';
import { latencyOn } from './latency.js';
import { pacingOnDiscord } from './pacing-discord.js';
import { pacingOnSlack } from './pacing-slack.js';
import { type AnswerKind, requestsOfBaseline, requestsOn } from './requests.js';
import type { BenchResults } from './results.js';
import { measureScale } from './scale.js';
import type { BenchSizes } from './sizes.js';
import { type EntryKind, measureStartup } from './startup.js';
import { now } from './stats.js';
import { checkTargets } from './targets.js';

export type Scenario = 'latency' | 'requests' | 'pacing' | 'scale' | 'baseline' | 'startup';
export const ALL_SCENARIOS: readonly Scenario[] = [
  'latency',
  'requests',
  'baseline',
  'pacing',
  'scale',
  'startup',
];

export interface RunOptions {
  sizes: BenchSizes;
  /** How scenario 6 starts the real process. */
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
    if (only.has('pacing')) {
      const { conversations, words, slackTimeScale } = sizes.pacing;
      log('3. platform calls: Discord');
      const discord = await pacingOnDiscord(openai, conversations, words);
      log('3. platform calls: Slack');
      const slack = await pacingOnSlack(openai, conversations, words, slackTimeScale);
      results.pacing = { discord, slack };
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
  results.targets = checkTargets(results);
  return results;
}

export function writeResults(path: string, results: BenchResults): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}
