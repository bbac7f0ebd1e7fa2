import { join } from 'node:path';
import { renderReport } from './report.js';
import { runBench, SCENARIO_NAMES, type Scenario, writeResults } from './run.js';
import { sizesFrom } from './sizes.js';

/**
 * `npm run bench`: every scenario of issue #7 against the fakes; prints the tables and writes the same
 * figures to bench/results/latest.json. BENCH_SIZE=smoke runs tiny sizes (CI); BENCH_ONLY=latency,scale
 * runs some scenarios (the others' figures are kept from the file it replaces); BENCH_OUT=path writes the
 * JSON elsewhere; BENCH_NOTE says what else the machine was doing (kept in the results).
 */
const sizes = sizesFrom(process.env.BENCH_SIZE);
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()) as Scenario[] | undefined;
for (const name of only ?? []) {
  if (!SCENARIO_NAMES.includes(name)) throw new Error(`BENCH_ONLY: unknown scenario ${name}`);
}
const out =
  process.env.BENCH_OUT ??
  join(import.meta.dirname, 'results', sizes.name === 'full' ? 'latest.json' : `${sizes.name}.json`);
const results = await runBench({
  sizes,
  entry: process.env.BENCH_ENTRY === 'tsx' ? 'tsx' : 'dist',
  ...(only && { only }),
});
if (process.env.BENCH_NOTE) results.meta.note = process.env.BENCH_NOTE;
const written = writeResults(out, results);
process.stdout.write(`${renderReport(written)}\n`);
process.stderr.write(`written: ${out}\n`);
