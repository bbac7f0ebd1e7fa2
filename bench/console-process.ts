import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeOpenAI, text } from '../src/model-server/index.js';
import { SHORT_ANSWER } from './latency.js';
import { modelRequestAt, modelTimeToFirstToken } from './model-time.js';
import { ProcessTurns } from './process-turns.js';
import type { EntryKind } from './startup.js';
import { median, percentile, sleep } from './stats.js';

const ROOT = join(import.meta.dirname, '..');

/** Added latency of one program as a process: stdin line → first answer text on stdout, minus the model's TTFT. */
export interface ProcessLatency {
  turns: number;
  p50: number;
  p95: number;
  modelTtftP50: number;
  /** Of the added time, how much came before the model's request reached it (p50). */
  toRequestP50: number;
}

/** Scenario 1b: the console as a person runs it, beside the bare streaming client, in the same run. */
export interface ConsoleProcessFigures {
  /** The floor: `bench/bare-client.ts`, the openai SDK streaming straight to standard output. */
  bare: ProcessLatency;
  /** `npm run console` in a terminal (text streams), the default SQLite store, Responses backend. */
  console: ProcessLatency;
  /** What the console adds over the bare client: its p50 minus the bare p50, its p95 minus the bare p95. */
  overBare: { p50: number; p95: number };
}

const ANSWER_START = SHORT_ANSWER.slice(0, 4);
const ANSWER_END = SHORT_ANSWER.slice(-7);

function entryCommand(entry: EntryKind, file: string): [string, ...string[]] {
  return entry === 'dist'
    ? [process.execPath, join(ROOT, 'dist', `${file}.js`)]
    : [process.execPath, '--import', import.meta.resolve('tsx'), join(ROOT, `${file}.ts`)];
}

/**
 * Each program in a pseudo-terminal of its own (as `npm run console` runs for a person: its text
 * streams there; piped, it writes each answer once, final), started once, `turns` lines each, one
 * bare turn then one console turn so that both see the same machine. The console runs with the
 * defaults a person gets (the SQLite file under ./data, log level info, on its terminal's standard
 * error), only pointed at the fake model service.
 */
export async function consoleAsProcess(
  openai: FakeOpenAI,
  turns: number,
  entry: EntryKind,
): Promise<ConsoleProcessFigures> {
  openai.setScript(() => [text(SHORT_ANSWER, { chunkSize: 8, delayMs: 2 })]);
  const dir = mkdtempSync(join(tmpdir(), 'threadloom-bench-console-'));
  const env = { OPENAI_API_KEY: 'bench', OPENAI_BASE_URL: openai.url, ASSISTANT_BACKEND: 'responses' };
  const bare = ProcessTurns.start({
    command: entryCommand(entry, 'bench/bare-client'),
    env,
    cwd: dir,
    terminal: true,
  });
  const threadloom = ProcessTurns.start({
    command: entryCommand(entry, 'src/console'),
    env: { ...env, TERM: 'xterm-256color' },
    cwd: dir,
    terminal: true,
  });
  const added = { bare: [] as number[], console: [] as number[] };
  const model = { bare: [] as number[], console: [] as number[] };
  const toRequest = { bare: [] as number[], console: [] as number[] };
  try {
    await bare.ready('ready');
    await threadloom.ready('> ');
    // One turn each first, not counted: the processes' first requests open connections and warm up.
    for (let t = -1; t < turns; t++) {
      for (const [name, program] of [
        ['bare', bare],
        ['console', threadloom],
      ] as const) {
        const { sentAt, visibleAt } = await program.turn(`question ${t}`, ANSWER_START, ANSWER_END);
        const ttft = modelTimeToFirstToken(openai, sentAt);
        if (ttft === undefined) throw new Error(`${name}: no model text in a turn`);
        if (t < 0) continue;
        added[name].push(visibleAt - sentAt - ttft);
        model[name].push(ttft);
        toRequest[name].push((modelRequestAt(openai, sentAt) ?? Number.NaN) - sentAt);
        // The console's prompt comes back once the answer is written: let it settle.
        await sleep(20);
      }
    }
  } finally {
    await bare.close();
    await threadloom.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const figures = (name: 'bare' | 'console'): ProcessLatency => ({
    turns: added[name].length,
    p50: median(added[name]),
    p95: percentile(added[name], 95),
    modelTtftP50: median(model[name]),
    toRequestP50: median(toRequest[name]),
  });
  const floor = figures('bare');
  const ours = figures('console');
  return { bare: floor, console: ours, overBare: { p50: ours.p50 - floor.p50, p95: ours.p95 - floor.p95 } };
}
