import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from './free-port.js';

/** How long a redis-server may take to say it accepts connections. */
const START_TIMEOUT_MS = 10_000;

/**
 * A redis-server of the test's own, on a free port, without persistence (`--save "" --appendonly no`):
 * stopping it loses its data, as a Redis without persistence does. Tests that need Redis to go away
 * stop this one, never the shared server on 6379.
 */
export class PrivateRedis {
  #child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server (again, on the same port); resolves once it accepts connections. */
  async restart(): Promise<void> {
    if (this.#child) throw new Error('the private redis-server is running already');
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.#child = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`redis-server did not start within ${START_TIMEOUT_MS} ms:\n${output}`)),
        START_TIMEOUT_MS,
      );
      const settle = (error?: Error) => {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        if (error) reject(error);
        else resolve();
      };
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) settle();
      };
      child.stdout?.on('data', onData);
      child.once('error', (error) => settle(error));
      child.once('exit', (code) =>
        settle(new Error(`redis-server exited (${code}) while starting:\n${output}`)),
      );
    });
    // Keep draining its output, so a chatty server never blocks on a full pipe.
    child.stdout?.resume();
    child.stderr?.resume();
  }

  /** Stops the server (SIGTERM, as an operator or an orchestrator would) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
}
