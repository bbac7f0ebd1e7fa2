import { randomUUID } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationKey } from '../core/conversation.js';
import { createStore } from './create-store.js';
import { StoreUnavailableError } from './store-failures.js';

/**
 * A TCP proxy in front of the real Redis that can be cut and restored, to see how the store behaves
 * while Redis is away after start-up.
 */
class CuttableProxy {
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  #port = 0;

  /** Starts listening (again, on the same port after a cut); resolves to the URL to give the store. */
  async listen(): Promise<string> {
    const server = createServer((client) => {
      const upstream = connect(6379, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('error', () => undefined).on('close', () => this.#sockets.delete(socket));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.#port, '127.0.0.1', resolve));
    const address = server.address();
    this.#port = typeof address === 'object' && address !== null ? address.port : 0;
    this.#server = server;
    return `redis://127.0.0.1:${this.#port}`;
  }

  /** Drops every connection and refuses new ones, as a stopped Redis would. */
  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

/** Polls `check` until it holds or the deadline passes (no fixed sleeps). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('store on redis when the connection drops', () => {
  const proxy = new CuttableProxy();
  let url = '';
  beforeAll(async () => {
    url = await proxy.listen();
  });
  afterAll(() => proxy.cut());

  it('fails calls with store_unavailable once Redis stays away past the retries, and recovers when it returns', async () => {
    const namespace = `tl-test-${randomUUID()}`;
    const store = await createStore({ kind: 'redis', url }, { namespace, retryMs: 200 });
    const key = conversationKey('console', 'outage');
    try {
      expect(await store.ping()).toBe(true);
      await proxy.cut();
      await eventually(async () => !(await store.ping()));
      await expect(store.threads.get(key)).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.dedupe.claim('evt-outage', 1_000)).rejects.toMatchObject({
        code: 'store_unavailable',
        applied: 'no',
      });

      await proxy.listen();
      await eventually(() => store.ping());
      expect(await store.threads.get(key)).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('holds a call made while Redis is away until it is back, within the retry time', async () => {
    const namespace = `tl-test-${randomUUID()}`;
    let retrying: () => void = () => undefined;
    const retried = new Promise<void>((resolve) => {
      retrying = resolve;
    });
    const store = await createStore(
      { kind: 'redis', url },
      { namespace, retryMs: 60_000, onRetry: () => retrying() },
    );
    const key = conversationKey('console', 'blink');
    const thread = { threadId: 'thread_1', backend: 'responses' as const, createdAt: 1, lastUsedAt: 1 };
    try {
      await proxy.cut();
      await eventually(async () => !(await store.ping()));
      const write = store.threads.set(key, thread);
      await retried;
      await proxy.listen();
      await write;
      expect(await store.threads.get(key)).toEqual(thread);
    } finally {
      await store.close();
    }
  });
});
