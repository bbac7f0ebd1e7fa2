import type { BenchResults } from './results.js';

/** Every figure the issue asks for, as paths into the results (`*` stands for each key there). */
export const REQUIRED_FIGURES = [
  'latency.{assistants,responses}.{console,discord,slack,web}.{turns,p50,p95,modelTtftP50}',
  'consoleProcess.{bare,console}.{turns,p50,p95,modelTtftP50}',
  'consoleProcess.overBare.{p50,p95}',
  'requests.{assistants,responses}.{plain,image,functions}.median',
  'pacing.{discord,slack}.{conversations,complete,rateLimited,callsPerAnswer,editsPerMessagePerSecond,callsPerSecondPeak,callsPerSecondMean,wallS}',
  'pacing.{discord,slack}.firstToLastS.{p50,p95}',
  'pacing.{discord,slack}.finalLagS.{p50,p95}',
  'pacing.{discord,slack}.floorCalls',
  'busy.{answers,complete,rateLimited}',
  'busy.firstTextS.{p50,p95}',
  'busy.finalLagS.{p50,p95}',
  'flood.{messages,floodS,noticesInChannel,ephemeralReplies,otherFirstTextS,quietFirstTextS,addedS,rateLimited}',
  'scale.levels.*.{conversations,completed,wallS,eventLoopDelayP99Ms,peakRssMb}',
  'scale.growth.{conversationsRatio,wallRatio,rssAboveIdleRatio}',
  'baseline.latency.{turns,p50,p95}',
  'baseline.requests.{plain,image,functions}.median',
  'baseline.ratios.{latencyP50,latencyP95}',
  'baseline.ratios.requests.{assistants,responses}.{plain,image,functions}',
  'startup.{startToReadyMs,idleRssMb}',
] as const;

function expand(pattern: string): string[][] {
  let paths: string[][] = [[]];
  for (const part of pattern.split('.')) {
    const options = part.startsWith('{') ? part.slice(1, -1).split(',') : [part];
    paths = paths.flatMap((p) => options.map((o) => [...p, o]));
  }
  return paths;
}

function lookup(value: unknown, path: readonly string[]): { path: string; value: unknown }[] {
  const [head, ...rest] = path;
  if (head === undefined) return [{ path: '', value }];
  if (value === null || typeof value !== 'object') return [{ path: head, value: undefined }];
  const record = value as Record<string, unknown>;
  const keys = head === '*' ? Object.keys(record) : [head];
  if (keys.length === 0) return [{ path: head, value: undefined }];
  return keys.flatMap((key) =>
    lookup(record[key], rest).map((found) => ({
      path: found.path === '' ? key : `${key}.${found.path}`,
      value: found.value,
    })),
  );
}

/** The figures that are missing or not a finite number (none: every figure is there). */
export function missingFigures(results: BenchResults): string[] {
  const missing: string[] = [];
  for (const pattern of REQUIRED_FIGURES) {
    for (const path of expand(pattern)) {
      for (const found of lookup(results, path)) {
        if (typeof found.value !== 'number' || !Number.isFinite(found.value)) missing.push(found.path);
      }
    }
  }
  return missing;
}
