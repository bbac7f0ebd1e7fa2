import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createClient } from '@keyv/redis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScriptedBackend } from '../../../test/support/scripted-backend.js';
import { type ConversationKey, conversationKey } from '../../core/conversation.js';
import { ModelServiceError } from '../../core/errors.js';
import { createLogger, silentLogger } from '../../core/logger.js';
import { createStore } from '../../store/create-store.js';
import type { Store, ThreadRecord } from '../../store/types.js';
import { type CleanupOptions, startCleanup, sweepIdleConversations, threadTtlMs } from './cleanup.js';

const DAY = threadTtlMs(1);
const NOW = Date.parse('2026-03-01T12:00:00Z');
const HOUR = 60 * 60 * 1000;
const key = (thread: string) => conversationKey('test', thread);
const idleFor = (days: number, threadId: string, backend: ThreadRecord['backend'] = 'assistants') => ({
  threadId,
  backend,
  createdAt: 0,
  lastUsedAt: NOW - days * DAY,
});

/** A ScriptedBackend whose deletes can fail or run a hook, as a real service call might. */
class RecordingBackend extends ScriptedBackend {
  failing = new Set<string>();
  onDelete: (threadId: string) => Promise<void> = async () => {};

  constructor() {
    super(async function* () {});
  }

  override async deleteThread(threadId: string): Promise<void> {
    await this.onDelete(threadId);
    if (this.failing.has(threadId)) throw new ModelServiceError('server error', { status: 500 });
    await super.deleteThread(threadId);
  }
}

/** Polls `check` until it holds or the deadline passes (no fixed sleeps). */
async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('sweepIdleConversations', () => {
  let dir: string;
  let store: Store;
  let backend: RecordingBackend;
  const busy = new Set<ConversationKey>();
  const sweep = (overrides: Partial<CleanupOptions> = {}) =>
    sweepIdleConversations({
      store,
      backend,
      orchestrator: { isBusy: (k) => busy.has(k) },
      ttlMs: 30 * DAY,
      intervalMs: HOUR,
      logger: silentLogger(),
      now: () => NOW,
      ...overrides,
    });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cleanup-'));
    store = await createStore({ kind: 'sqlite', path: join(dir, 'store.sqlite') });
    backend = new RecordingBackend();
    busy.clear();
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('deletes idle conversations at the service and in the store, and keeps recent ones', async () => {
    await store.threads.set(key('old'), idleFor(31, 'thread_old'));
    await store.threads.set(key('recent'), idleFor(29, 'thread_recent'));
    await store.threads.set(key('other'), idleFor(90, 'conv_other', 'responses'));
    await store.follows.follow(key('old'), { since: 0, startedBy: 'U1' });

    expect(await sweep()).toEqual({ leased: true, deleted: 1, busy: 0, failed: 0 });
    expect(backend.deletedThreads).toEqual(['thread_old']);
    expect(await store.threads.get(key('old'))).toBeUndefined();
    expect(await store.threads.get(key('recent'))).toEqual(idleFor(29, 'thread_recent'));
    // Another backend's thread cannot be deleted through this one.
    expect(await store.threads.get(key('other'))).toBeDefined();
    // The chat thread is still followed: a later message there starts a new conversation.
    expect(await store.follows.get(key('old'))).toEqual({ since: 0, startedBy: 'U1' });
  });

  it('leaves a conversation alone while it is busy on this instance', async () => {
    await store.threads.set(key('busy'), idleFor(40, 'thread_busy'));
    busy.add(key('busy'));
    expect(await sweep()).toMatchObject({ deleted: 0, busy: 1 });
    expect(backend.deletedThreads).toEqual([]);
    expect(await store.threads.get(key('busy'))).toBeDefined();
  });

  it('keeps the record when the service refuses the delete, and tries again next period', async () => {
    await store.threads.set(key('a'), idleFor(40, 'thread_a'));
    await store.threads.set(key('b'), idleFor(40, 'thread_b'));
    backend.failing.add('thread_a');
    expect(await sweep()).toMatchObject({ deleted: 1, failed: 1 });
    expect(await store.threads.get(key('a'))).toBeDefined();
    expect(await store.threads.get(key('b'))).toBeUndefined();

    backend.failing.clear();
    expect(await sweep({ now: () => NOW + HOUR })).toMatchObject({ deleted: 1, failed: 0 });
    expect(await store.threads.list()).toEqual([]);
  });

  it('sweeps once per period, however often it is called', async () => {
    await store.threads.set(key('x'), idleFor(40, 'thread_x'));
    expect((await sweep()).leased).toBe(true);
    await store.threads.set(key('y'), idleFor(40, 'thread_y'));
    expect(await sweep({ now: () => NOW + 1000 })).toEqual({ leased: false, deleted: 0, busy: 0, failed: 0 });
    expect(backend.deletedThreads).toEqual(['thread_x']);
    expect(await sweep({ now: () => NOW + HOUR })).toMatchObject({ leased: true, deleted: 1 });
  });

  it('keeps the record of a conversation that was used again while its thread was being deleted', async () => {
    await store.threads.set(key('woke'), idleFor(40, 'thread_woke'));
    backend.onDelete = async () => {
      await store.threads.set(key('woke'), { ...idleFor(40, 'thread_woke'), lastUsedAt: NOW });
    };
    await sweep();
    expect(await store.threads.get(key('woke'))).toMatchObject({ lastUsedAt: NOW });
  });
});

describe('startCleanup', () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cleanup-'));
    store = await createStore({ kind: 'sqlite', path: join(dir, 'store.sqlite') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sweeps at start and again every interval until stopped', async () => {
    const backend = new RecordingBackend();
    const stale = (threadId: string) => ({ ...idleFor(0, threadId), lastUsedAt: Date.now() - 2 * DAY });
    await store.threads.set(key('first'), stale('thread_first'));
    const cleanup = startCleanup({
      store,
      backend,
      orchestrator: { isBusy: () => false },
      ttlMs: DAY,
      intervalMs: 20,
      logger: silentLogger(),
    });
    try {
      await eventually(() => backend.deletedThreads.includes('thread_first'));
      await store.threads.set(key('second'), stale('thread_second'));
      await eventually(() => backend.deletedThreads.includes('thread_second'));
    } finally {
      await cleanup.stop();
    }
    expect(backend.deletedThreads).toEqual(['thread_first', 'thread_second']);
  });

  it('logs a failing sweep instead of throwing', async () => {
    const lines: string[] = [];
    const logger = createLogger(
      'error',
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    await store.close();
    const cleanup = startCleanup({
      store,
      backend: new RecordingBackend(),
      orchestrator: { isBusy: () => false },
      ttlMs: DAY,
      intervalMs: HOUR,
      logger,
    });
    await eventually(() => lines.some((line) => line.includes('idle-conversation sweep failed')));
    await cleanup.stop();
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ err: { code: 'store_unavailable' } });
  });
});

describe('sweepIdleConversations on redis, several instances', () => {
  const REDIS_URL = 'redis://127.0.0.1:6379';
  const namespace = `tl-test-cleanup-${randomUUID()}`;
  let stores: Store[] = [];

  afterEach(async () => {
    await Promise.all(stores.map((s) => s.close()));
    stores = [];
    const client = createClient({ url: REDIS_URL });
    await client.connect();
    for await (const keys of client.scanIterator({ MATCH: `${namespace}*`, COUNT: 500 })) {
      if (keys.length > 0) await client.unlink(keys);
    }
    await client.close();
  });

  it('deletes each idle thread once when two instances sweep at the same time', async () => {
    stores = await Promise.all(
      [1, 2].map(() => createStore({ kind: 'redis', url: REDIS_URL }, { namespace })),
    );
    const [first, second] = stores as [Store, Store];
    const threads = Array.from({ length: 10 }, (_, i) => `thread_${i}`);
    await Promise.all(threads.map((t) => first.threads.set(key(t), idleFor(40, t))));
    const backends = [new RecordingBackend(), new RecordingBackend()];

    const results = await Promise.all(
      [first, second].map((store, i) =>
        sweepIdleConversations({
          store,
          backend: backends[i] as RecordingBackend,
          orchestrator: { isBusy: () => false },
          ttlMs: 30 * DAY,
          intervalMs: HOUR,
          logger: silentLogger(),
          now: () => NOW,
        }),
      ),
    );

    expect(results.filter((r) => r.leased)).toHaveLength(1);
    expect(backends.flatMap((b) => b.deletedThreads).sort()).toEqual([...threads].sort());
    expect(await second.threads.list()).toEqual([]);
  });
});
