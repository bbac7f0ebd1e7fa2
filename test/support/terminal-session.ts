import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { waitForChange } from '../fakes/shared/wait-for-change.js';
import { entryPointCommand, REPO_ROOT } from './spawn.js';
import { TerminalScreen } from './terminal-screen.js';

/** A program running in a pseudo-terminal, and the terminal window a person would be looking at. */
export interface TerminalSession {
  /** The window: what the program's output looks like once a terminal has applied it. */
  screen: TerminalScreen;
  /** Everything the terminal received, escape sequences and all (the program's output and the echo). */
  received(): string;
  /** Resolves once the program shows `prompt` and waits there (the last thing it wrote). */
  prompted(prompt?: string, timeoutMs?: number): Promise<void>;
  /** Types a line and presses Enter. */
  type(line: string): void;
  /** Presses Ctrl-D at the start of a line: the end of input. */
  endInput(): void;
  /** Presses keys: `\u0003` is Ctrl-C. */
  press(keys: string): void;
  /** Resolves once the terminal has received `text`. */
  receives(text: string, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null }>;
}

export interface TerminalSessionOptions {
  /** Exactly the program's environment (plus PATH and TERM). */
  env: Record<string, string>;
  cwd?: string;
  columns?: number;
  rows?: number;
}

const PTY_RUN = join(REPO_ROOT, 'test', 'support', 'pty-run.py');

/**
 * Starts one of the bot's entry points (`src/*.ts`, through tsx) in a real pseudo-terminal (Python's
 * pty module, see pty-run.py): its standard input, output and error are a terminal, as in a window.
 */
export function startInTerminal(entry: string, options: TerminalSessionOptions): TerminalSession {
  const columns = options.columns ?? 80;
  const rows = options.rows ?? 24;
  const child = spawn('python3', [PTY_RUN, String(columns), String(rows), ...entryPointCommand(entry)], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', TERM: 'xterm-256color', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // The terminal's output processing turns each `\n` into `\r\n`, as a window receives it.
  const screen = new TerminalScreen(columns, rows);
  const changes = new EventTarget();
  let received = '';
  let errors = '';
  child.stdout.on('data', (chunk: Buffer) => {
    received += chunk.toString('utf8');
    screen.write(chunk);
    changes.dispatchEvent(new Event('change'));
  });
  child.stderr.on('data', (chunk: Buffer) => {
    errors += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      // The relay itself failing (no python3, a bad argument) is not the program's doing: say so.
      if (errors.length > 0) reject(new Error(`pty-run.py: ${errors}`));
      else resolve({ code });
    });
  });
  const onChange = (listener: () => void) => {
    changes.addEventListener('change', listener);
    return () => changes.removeEventListener('change', listener);
  };
  return {
    screen,
    received: () => received,
    type: (line) => child.stdin.write(`${line}\r`),
    endInput: () => child.stdin.write('\u0004'),
    press: (keys) => child.stdin.write(keys),
    async prompted(prompt = '> ', timeoutMs = 15_000) {
      await waitForChange('terminal', onChange, () => received.endsWith(prompt), {
        timeoutMs,
        what: `the prompt ${JSON.stringify(prompt)}`,
      });
    },
    async receives(text, timeoutMs = 15_000) {
      await waitForChange('terminal', onChange, () => received.includes(text), {
        timeoutMs,
        what: `${JSON.stringify(text)} on the terminal`,
      });
    },
    exited,
  };
}
