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
  exited: Promise<Finished>;
}

/** Starts an entry point (`src/*.ts`) that keeps running (the bot), with exactly the given environment. */
export function startEntryPoint(
  entry: string,
  options: { env: Record<string, string>; cwd?: string },
): RunningEntryPoint {
  const child = spawn(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), join(REPO_ROOT, 'src', entry)],
    {
      cwd: options.cwd ?? REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
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
  return { output: () => ({ stdout, stderr }), signal: (name) => child.kill(name), exited };
}

/**
 * Runs one of the bot's entry points (`src/*.ts`) as a real process through tsx, with exactly the
 * given environment (plus PATH), feeding `input` on standard input. Killed after `timeoutMs`.
 */
export function runEntryPoint(
  entry: string,
  options: { env: Record<string, string>; input?: string; cwd?: string; timeoutMs?: number; args?: string[] },
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      // tsx resolved here, not from the child's working directory (tests run it in a temp folder).
      ['--import', import.meta.resolve('tsx'), join(REPO_ROOT, 'src', entry), ...(options.args ?? [])],
      {
        cwd: options.cwd ?? REPO_ROOT,
        env: { PATH: process.env.PATH ?? '', ...options.env },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
