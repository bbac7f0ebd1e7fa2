/**
 * The flags the bot's Node process runs with in production (`npm start`, the Dockerfile's CMD), so that
 * the benchmark measures the process as it runs there; `test/production-flags.test.ts` keeps the three
 * in step. `--optimize-for-size`: V8 keeps a smaller young generation and collects sooner, trading CPU
 * for memory; with 1,000 answers at once the bot peaked at 272 MB instead of 434, for about a quarter
 * more CPU (bench scenario 4, docs/performance.md).
 */
export const PRODUCTION_NODE_FLAGS: readonly string[] = ['--optimize-for-size'];
