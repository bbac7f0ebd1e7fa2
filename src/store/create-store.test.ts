import { randomUUID } from 'node:crypto';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreError } from '../core/errors.js';
import { createStore } from './create-store.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'threadloom-create-store-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Awaits `promise`, expecting a StoreError; returns it with how long the failure took. */
async function failure(promise: Promise<unknown>): Promise<{ error: StoreError; ms: number }> {
  const start = Date.now();
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  return { error: error as StoreError, ms: Date.now() - start };
}

describe('createStore on SQLite', () => {
  it('creates nested directories for an absolute path', async () => {
    const path = join(dir, 'a', 'b', 'c', 'store.sqlite');
    const store = await createStore({ kind: 'sqlite', path });
    try {
      await store.assistants.set('x', { assistantId: 'asst', configHash: 'h' });
      await expect(access(path)).resolves.toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('accepts a path relative to the working directory', async () => {
    const path = relative(process.cwd(), join(dir, 'rel', 'store.sqlite'));
    expect(path.startsWith('/')).toBe(false);
    const store = await createStore({ kind: 'sqlite', path });
    try {
      expect(await store.ping()).toBe(true);
      await expect(access(join(dir, 'rel', 'store.sqlite'))).resolves.toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('fails with a StoreError naming the path when the directory cannot be made', async () => {
    await writeFile(join(dir, 'plain-file'), '');
    const path = join(dir, 'plain-file', 'store.sqlite');
    const { error } = await failure(createStore({ kind: 'sqlite', path }));
    expect(error.code).toBe('store_unavailable');
    expect(error.message).toContain(path);
  });
});

describe('createStore on Redis', () => {
  it('fails quickly with a StoreError naming the URL when nothing listens', async () => {
    const { error, ms } = await failure(createStore({ kind: 'redis', url: 'redis://127.0.0.1:1' }));
    expect(ms).toBeLessThan(2_000);
    expect(error.code).toBe('store_unavailable');
    expect(error.message).toContain('redis://127.0.0.1:1');
  });

  it('masks the credentials in the error', async () => {
    const { error } = await failure(
      createStore({ kind: 'redis', url: 'redis://admin:s3cret@127.0.0.1:1/2' }),
    );
    expect(error.message).toContain('redis://***@127.0.0.1:1/2');
    expect(error.message).not.toContain('s3cret');
    expect(String(error.cause)).not.toContain('s3cret');
  });

  it('gives up after the connect timeout when the server never answers', async () => {
    const sockets = new Set<Socket>();
    // Accepts connections and never replies: the handshake, not the TCP connect, is what hangs.
    const server: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const { ms } = await failure(
        createStore(
          { kind: 'redis', url: `redis://127.0.0.1:${port}` },
          { connectTimeoutMs: 300, namespace: `tl-test-${randomUUID()}` },
        ),
      );
      expect(ms).toBeLessThan(2_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
