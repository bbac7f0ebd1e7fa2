import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A started entry point: its output so far, a way to signal it, and its exit. */
export interface RunningEntryPoint {
  output(): { stdout: string; stderr: string };
  signal(name: NodeJS.Signals): void;
  /** Closes standard input (with `keepInputOpen`). */
  endInput(): void;
  /** Resolves with the first match of `pattern` in standard error, once it is written. */
  untilError(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  exited: Promise<Finished>;
}

export interface EntryPointOptions {
  /** Exactly the child's environment (plus PATH): nothing leaks in from the test runner. */
  env: Record<string, string>;
  cwd?: string;
  /** Written to standard input, which is then closed; without it standard input is closed at once. */
  input?: string;
  /** Standard input stays open (after `input`) until `endInput()`: a console waiting for a person. */
  keepInputOpen?: boolean;
}

/** The command line that runs one of the bot's entry points (`src/*.ts`) through tsx. */
export function entryPointCommand(entry: string): [string, ...string[]] {
  // tsx is resolved here, not from the child's working directory (tests run it in a temp folder).
  return [process.execPath, '--import', import.meta.resolve('tsx'), join(REPO_ROOT, 'src', entry)];
}

/** Starts one of the bot's entry points (`src/*.ts`) as a real process through tsx. */
export function startEntryPoint(entry: string, options: EntryPointOptions): RunningEntryPoint {
  const [command, ...args] = entryPointCommand(entry);
  const child = spawn(command, args, {
    cwd: options.cwd ?? REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<Finished>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  if (options.keepInputOpen) child.stdin.write(options.input ?? '');
  else child.stdin.end(options.input ?? '');
  return {
    output: () => ({ stdout, stderr }),
    signal: (name) => child.kill(name),
    endInput: () => child.stdin.end(),
    untilError: (pattern, timeoutMs = 20_000) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(stderr);
          if (!match) return;
          stop();
          resolve(match);
        };
        const timer = setTimeout(() => {
          stop();
          reject(new Error(`standard error did not show ${pattern} within ${timeoutMs} ms: ${stderr}`));
        }, timeoutMs);
        const stop = () => {
          clearTimeout(timer);
          child.stderr.off('data', check);
        };
        // Listened to after the recording listener, so `stderr` already holds the new chunk.
        child.stderr.on('data', check);
        check();
      }),
    exited,
  };
}

/** Runs an entry point to its end (killed after `timeoutMs`) and resolves with its exit and output. */
export async function runEntryPoint(
  entry: string,
  options: EntryPointOptions & { timeoutMs?: number },
): Promise<Finished> {
  const running = startEntryPoint(entry, options);
  const timer = setTimeout(() => running.signal('SIGKILL'), options.timeoutMs ?? 30_000);
  try {
    return await running.exited;
  } finally {
    clearTimeout(timer);
  }
}
