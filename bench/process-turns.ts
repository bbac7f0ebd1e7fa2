import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { TurnTimes } from './drivers.js';
import { now } from './stats.js';

const ROOT = join(import.meta.dirname, '..');
/** Runs a command in a pseudo-terminal: what it shows comes out, what is written in is typed. */
const PTY_RUN = join(ROOT, 'test/support/pty-run.py');
const TIMEOUT_MS = 60_000;

export interface ProcessOptions {
  /** The program and its arguments. */
  command: readonly [string, ...string[]];
  /** Exactly the child's environment (plus PATH). */
  env: Record<string, string>;
  cwd: string;
  /** In a pseudo-terminal of 80 × 24 (as a person runs it) rather than with piped standard streams. */
  terminal: boolean;
}

/**
 * A program as a separate process that answers each line of its standard input on its standard
 * output (the console, the bare streaming client): a turn is a line written to it → the first
 * answer text read from it, both on the bench's clock.
 */
export class ProcessTurns {
  private output = '';
  private waiter: (() => void) | undefined;
  private readonly exited: Promise<number | null>;
  private stderr = '';

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly terminal: boolean,
  ) {
    child.stdout.on('data', (chunk: Buffer) => {
      this.output += chunk.toString('utf8');
      this.waiter?.();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-4000);
    });
    this.exited = new Promise((resolve) => child.once('close', (code) => resolve(code)));
    void this.exited.then(() => this.waiter?.());
  }

  static start(options: ProcessOptions): ProcessTurns {
    const [command, ...args] = options.command;
    const argv = options.terminal ? ['python3', PTY_RUN, '80', '24', command, ...args] : [command, ...args];
    const [program, ...rest] = argv as [string, ...string[]];
    const child = spawn(program, rest, {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return new ProcessTurns(child, options.terminal);
  }

  /** Resolves once the output (from `from` on) contains `text`; with when it was read. */
  private until(text: string, from: number, what: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`timed out waiting for ${what}`)), TIMEOUT_MS);
      const done = (error?: Error) => {
        clearTimeout(timer);
        this.waiter = undefined;
        if (error) reject(new Error(`${error.message}; standard error ends: ${this.stderr.slice(-800)}`));
        else resolve(now());
      };
      this.waiter = () => {
        if (this.output.indexOf(text, from) >= 0) done();
        else if (this.child.exitCode !== null) done(new Error(`the process exited before ${what}`));
      };
      this.waiter();
    });
  }

  /** Waits for the program to show `text` (its ready line or prompt). */
  async ready(text: string): Promise<void> {
    await this.until(text, 0, `"${text}"`);
  }

  /**
   * Types `line` and waits for `answerStart` after it (sentAt is just before the write), then for
   * `answerEnd`, so that the next turn starts on a quiet process.
   */
  async turn(line: string, answerStart: string, answerEnd: string): Promise<TurnTimes> {
    const from = this.output.length;
    const sentAt = now();
    this.child.stdin.write(`${line}${this.terminal ? '\r' : '\n'}`);
    const visibleAt = await this.until(answerStart, from, 'the first answer text');
    await this.until(answerEnd, from, 'the end of the answer');
    return { sentAt, visibleAt };
  }

  /** Ends its input (end of file: Ctrl-D in a terminal) and waits for it to exit. */
  async close(): Promise<void> {
    if (this.terminal) this.child.stdin.write('\x04');
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGTERM'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}
