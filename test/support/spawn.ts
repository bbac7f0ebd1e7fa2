import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
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
