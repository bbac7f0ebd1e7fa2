import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  citation,
  codeInterpreter,
  type FakeOpenAI,
  filePath,
  type ModelScript,
  squaresCsv,
  startFakeOpenAI,
  text,
} from '../../src/model-server/index.js';
import { runEntryPoint } from '../support/spawn.js';
import { startInTerminal } from '../support/terminal-session.js';

let fake: FakeOpenAI;
let dir: string;
/** One answer: code that writes a file, then text that links to it and cites a paper. */
let reportScript: ModelScript;

/** Answers slowly (about a second), linking to a file: time to type the next line meanwhile. */
const slowScript: ModelScript = ({ text: said }) => [
  text(`About "${said}": see [notes.csv](sandbox:/mnt/data/notes.csv).`, {
    chunkSize: 4,
    delayMs: 60,
    annotations: [filePath('sandbox:/mnt/data/notes.csv', squaresCsv('notes.csv'))],
  }),
];

const QUESTION = 'what does the report say?';
/** What streams: the link to the file the code wrote, as the model writes it. */
const RAW_LINK = 'sandbox:/mnt/data/squares.csv';
/** The final text: the link resolved to the file's name, the citation marked `[1]`, its footnote. */
const FINAL = 'The report [squares.csv](squares.csv) is in, as the paper says[1].\n[1] ai.pdf';

beforeAll(async () => {
  fake = await startFakeOpenAI({ pollAfterMs: 10 });
  const paper = fake.addFile({ filename: 'ai.pdf', bytes: 'attention is all you need' }).id;
  reportScript = () => [
    codeInterpreter({ code: "df.to_csv('/mnt/data/squares.csv')", files: [squaresCsv()] }),
    text(`The report [squares.csv](${RAW_LINK}) is in, as the paper says【4:0†ai.pdf】.`, {
      delayMs: 20,
      annotations: [filePath(RAW_LINK, squaresCsv()), citation('【4:0†ai.pdf】', paper)],
    }),
  ];
  fake.setScript(reportScript);
  dir = mkdtempSync(join(tmpdir(), 'console-terminal-'));
});

afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

function env(name: string): Record<string, string> {
  return {
    OPENAI_API_KEY: 'test-key',
    OPENAI_BASE_URL: fake.url,
    STORE_URL: `sqlite://${join(dir, `${name}.sqlite`)}`,
    CONSOLE_OUTPUT_DIR: join(dir, `${name}-output`),
    LOG_LEVEL: 'warn',
  };
}

describe('npm run console in a terminal', () => {
  it('streams the text, then shows the final text in its place: the same answer as piped output', async () => {
    const session = startInTerminal('console.ts', { env: env('tty'), cwd: dir, columns: 60, rows: 20 });
    await session.prompted();
    session.type(QUESTION);
    await session.receives('[file] ');
    await session.prompted();
    session.endInput();
    expect(await session.exited).toEqual({ code: 0 });

    // It did stream: the raw link reached the terminal before the final text replaced it.
    expect(session.received()).toContain(RAW_LINK);
    const screen = await session.screen.transcript();
    expect(screen).toContain(FINAL);
    expect(screen).not.toContain(RAW_LINK);

    // What the window ends with is what a script gets, but for the typed line and the progress lines.
    const piped = await runEntryPoint('console.ts', { env: env('piped'), input: `${QUESTION}\n`, cwd: dir });
    expect(piped.code).toBe(0);
    expect(piped.stdout).toContain(FINAL);
    const answer = screen
      .split('\n')
      .filter((line) => line !== `> ${QUESTION}` && !line.startsWith('… '))
      .join('\n');
    expect(answer).toBe(piped.stdout.trimEnd().replace('piped-output', 'tty-output'));
  }, 40_000);

  it('shows a line typed while an answer streams once the answer is written, then answers it', async () => {
    fake.setScript(slowScript);
    try {
      const output = join(dir, 'ahead-output');
      const session = startInTerminal('console.ts', {
        env: { ...env('ahead'), CONSOLE_OUTPUT_DIR: output },
        cwd: dir,
      });
      await session.prompted();
      session.type('first');
      await session.receives('About "fi');
      session.type('second');
      await session.receives(`[file] ${join(output, 'notes-1.csv')}`);
      await session.prompted();
      session.endInput();
      expect(await session.exited).toEqual({ code: 0 });
      expect(await session.screen.transcript()).toBe(
        [
          '> first',
          'About "first": see [notes.csv](notes.csv).',
          `[file] ${join(output, 'notes.csv')}`,
          '> second',
          'About "second": see [notes.csv](notes.csv).',
          `[file] ${join(output, 'notes-1.csv')}`,
        ].join('\n'),
      );
    } finally {
      fake.setScript(reportScript);
    }
  }, 40_000);

  it('stops at Ctrl-C, as any program does', async () => {
    fake.setScript(slowScript);
    try {
      const session = startInTerminal('console.ts', { env: env('interrupted'), cwd: dir });
      await session.prompted();
      session.type('first');
      await session.receives('About "fi');
      session.press('\u0003');
      expect(await session.exited).toEqual({ code: 130 });
    } finally {
      fake.setScript(reportScript);
    }
  }, 40_000);

  it('logs readable lines to a terminal, and JSON lines when standard error is piped', async () => {
    const logged = (name: string) => ({ ...env(name), LOG_LEVEL: 'info' });
    const session = startInTerminal('console.ts', { env: logged('tty-logs'), cwd: dir });
    await session.prompted();
    session.type(QUESTION);
    await session.receives('[file] ');
    await session.prompted();
    session.endInput();
    expect(await session.exited).toEqual({ code: 0 });
    const screen = await session.screen.transcript();
    expect(screen).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: run started \{"conversation":"console:default"/m);
    expect(screen).not.toContain('"level"');

    const piped = await runEntryPoint('console.ts', {
      env: logged('piped-logs'),
      input: `${QUESTION}\n`,
      cwd: dir,
    });
    expect(piped.code).toBe(0);
    const lines = piped.stderr.trimEnd().split('\n');
    const records = lines.map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(records).toContainEqual(expect.objectContaining({ level: 30, msg: 'run started' }));
  }, 40_000);
});
