import { join } from 'node:path';
import { renderReport } from './report.js';
import { ALL_SCENARIOS, runBench, type Scenario, writeResults } from './run.js';
import { sizesFrom } from './sizes.js';

/**
 * `npm run bench`: every scenario of issue #7 against the fakes; prints the tables and writes the same
 * figures to bench/results/latest.json. BENCH_SIZE=smoke runs tiny sizes (CI); BENCH_ONLY=latency,scale
 * runs some scenarios; BENCH_OUT=path writes the JSON elsewhere.
 */
const sizes = sizesFrom(process.env.BENCH_SIZE);
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()) as Scenario[] | undefined;
for (const name of only ?? []) {
  if (!ALL_SCENARIOS.includes(name)) throw new Error(`BENCH_ONLY: unknown scenario ${name}`);
}
const out =
  process.env.BENCH_OUT ??
  join(import.meta.dirname, 'results', sizes.name === 'full' ? 'latest.json' : `${sizes.name}.json`);
const results = await runBench({
  sizes,
  entry: process.env.BENCH_ENTRY === 'tsx' ? 'tsx' : 'dist',
  ...(only && { only }),
});
writeResults(out, results);
process.stdout.write(`${renderReport(results)}\n`);
process.stderr.write(`written: ${out}\n`);
