import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@keyv/redis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StoreConfig } from '../config/types.js';
import { conversationKey } from '../core/conversation.js';
import { StoreError } from '../core/errors.js';
import { createStore } from './create-store.js';
import type { StoreDriver } from './driver.js';
import { storeKeys } from './keys.js';
import { openRedisDriver } from './redis-driver.js';
import { openSqliteDriver } from './sqlite-driver.js';
import type { RunRecord, Store, ThreadRecord } from './types.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const RUN_ID = randomUUID();

/** One backing store under test: where it lives, and how to remove everything the run wrote. */
interface Target {
  name: 'sqlite' | 'redis';
  config(): StoreConfig;
  /** The raw driver under the store, to write what only a crash could leave behind. */
  driver(namespace: string): Promise<StoreDriver>;
  cleanup(): Promise<void>;
}

let sqliteDir = '';
const targets: Target[] = [
  {
    name: 'sqlite',
    config: () => ({ kind: 'sqlite', path: join(sqliteDir, 'store.sqlite') }),
    driver: (namespace) => openSqliteDriver(join(sqliteDir, 'store.sqlite'), namespace),
    cleanup: () => rm(sqliteDir, { recursive: true, force: true }),
  },
  {
    name: 'redis',
    config: () => ({ kind: 'redis', url: REDIS_URL }),
    driver: (namespace) => openRedisDriver(REDIS_URL, namespace, 5_000),
    cleanup: async () => {
      const client = createClient({ url: REDIS_URL });
      await client.connect();
      for await (const keys of client.scanIterator({ MATCH: `tl-test-${RUN_ID}-*`, COUNT: 500 })) {
        if (keys.length > 0) await client.unlink(keys);
      }
      await client.close();
    },
  },
];

beforeAll(async () => {
  sqliteDir = await mkdtemp(join(tmpdir(), 'threadloom-store-'));
});
afterAll(async () => {
  for (const target of targets) await target.cleanup();
});

let testCount = 0;
const key = (thread: string) => conversationKey('discord', 'channel', thread);
const usage = (inputTokens: number, outputTokens: number, reasoningTokens: number) => ({
  inputTokens,
  outputTokens,
  reasoningTokens,
});
const run = (thread: string): RunRecord => ({
  key: key(thread),
  backend: 'responses',
  threadId: `conv_${thread}`,
  runId: `resp_${thread}`,
  userId: 'u1',
  messageIds: [`m-${thread}`],
  replyTo: { [`m-${thread}`]: `r-${thread}` },
  startedAt: 1_700_000_000_000,
});

/** Polls `check` until it holds or the deadline passes (no fixed sleeps). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each(targets)('store on $name', (target) => {
  let namespace = '';
  let store: Store;
  const open = () => createStore(target.config(), { namespace });

  beforeEach(async () => {
    // A namespace per test: each starts empty, even on the shared Redis.
    namespace = `tl-test-${RUN_ID}-${++testCount}`;
    store = await open();
  });
  afterEach(async () => {
    await store.close();
  });

  it('reports its kind and answers a ping', async () => {
    expect(store.kind).toBe(target.name);
    expect(await store.ping()).toBe(true);
  });

  it('stores, reads back and deletes a thread record', async () => {
    const record: ThreadRecord = {
      threadId: 'conv_1',
      backend: 'responses',
      createdAt: 1,
      lastUsedAt: 2,
      lastResponseId: ':resp_1',
    };
    expect(await store.threads.get(key('t1'))).toBeUndefined();
    await store.threads.set(key('t1'), record);
    expect(await store.threads.get(key('t1'))).toEqual(record);
    expect(await store.threads.get(key('t2'))).toBeUndefined();
    await store.threads.delete(key('t1'));
    expect(await store.threads.get(key('t1'))).toBeUndefined();
  });

  it('lists the thread records, following set and delete', async () => {
    const thread = (id: string, lastUsedAt: number): ThreadRecord => ({
      threadId: id,
      backend: 'responses',
      createdAt: 1,
      lastUsedAt,
    });
    expect(await store.threads.list()).toEqual([]);
    await store.threads.set(key('l1'), thread('conv_1', 10));
    await store.threads.set(key('l2'), thread('conv_2', 20));
    await store.threads.set(key('l1'), thread('conv_1', 30));
    const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
    expect((await store.threads.list()).sort(byKey)).toEqual([
      { key: key('l1'), record: thread('conv_1', 30) },
      { key: key('l2'), record: thread('conv_2', 20) },
    ]);
    await store.threads.delete(key('l1'));
    expect(await store.threads.list()).toEqual([{ key: key('l2'), record: thread('conv_2', 20) }]);
  });

  it('lists every thread when many are recorded at once', async () => {
    const threads = Array.from({ length: 20 }, (_, i) => `t${i}`);
    const record: ThreadRecord = { threadId: 'conv', backend: 'assistants', createdAt: 1, lastUsedAt: 1 };
    await Promise.all(threads.map((t) => store.threads.set(key(t), record)));
    expect((await store.threads.list()).map((t) => t.key).sort()).toEqual(threads.map(key).sort());
  });

  it('skips an indexed conversation whose thread record is gone', async () => {
    // What a crash between indexing and writing the record leaves behind.
    const driver = await target.driver(namespace);
    await driver.addMember(storeKeys.threadIndex(), key('ghost'));
    await driver.close();
    const record: ThreadRecord = { threadId: 'conv_r', backend: 'responses', createdAt: 1, lastUsedAt: 2 };
    await store.threads.set(key('real'), record);
    expect(await store.threads.list()).toEqual([{ key: key('real'), record }]);
  });

  it('follows and unfollows a chat thread', async () => {
    expect(await store.follows.get(key('f1'))).toBeUndefined();
    await store.follows.follow(key('f1'), { since: 5, startedBy: 'U1' });
    expect(await store.follows.get(key('f1'))).toEqual({ since: 5, startedBy: 'U1' });
    expect(await store.follows.get(key('f2'))).toBeUndefined();
    await store.follows.unfollow(key('f1'));
    expect(await store.follows.get(key('f1'))).toBeUndefined();
  });

  it('counts requests per subject in fixed windows', async () => {
    const at = new Date('2026-11-26T12:00:10Z');
    expect(await store.rateLimits.hit('u1', 60_000, at)).toBe(1);
    expect(await store.rateLimits.hit('u1', 60_000, new Date(at.getTime() + 1000))).toBe(2);
    expect(await store.rateLimits.hit('u2', 60_000, at)).toBe(1);
    // The next minute starts again at one.
    expect(await store.rateLimits.hit('u1', 60_000, new Date('2026-11-26T12:01:00Z'))).toBe(1);
  });

  it('counts concurrent hits without losing any', async () => {
    const at = new Date();
    const counts = await Promise.all(
      Array.from({ length: 30 }, () => store.rateLimits.hit('busy', 60_000, at)),
    );
    expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('keeps an assistant record by name', async () => {
    await store.assistants.set('helper', { assistantId: 'asst_1', configHash: 'abc' });
    expect(await store.assistants.get('helper')).toEqual({ assistantId: 'asst_1', configHash: 'abc' });
    expect(await store.assistants.get('other')).toBeUndefined();
  });

  it('sets, gets, lists and deletes in-flight runs', async () => {
    expect(await store.runs.list()).toEqual([]);
    await store.runs.set(run('a'));
    await store.runs.set({ ...run('b'), position: '42', posted: { 'text:m1': ['p1', 'p2'] } });
    expect(await store.runs.get(key('b'))).toEqual({
      ...run('b'),
      position: '42',
      posted: { 'text:m1': ['p1', 'p2'] },
    });
    const listed = await store.runs.list();
    expect(listed.map((r) => r.key).sort()).toEqual([key('a'), key('b')]);
    await store.runs.delete(key('a'));
    expect(await store.runs.get(key('a'))).toBeUndefined();
    expect(await store.runs.list()).toEqual([
      { ...run('b'), position: '42', posted: { 'text:m1': ['p1', 'p2'] } },
    ]);
  });

  it('lists every run when many are recorded at once', async () => {
    const threads = Array.from({ length: 20 }, (_, i) => `c${i}`);
    await Promise.all(threads.map((t) => store.runs.set(run(t))));
    expect((await store.runs.list()).map((r) => r.key).sort()).toEqual(threads.map(key).sort());
    await Promise.all(threads.slice(0, 10).map((t) => store.runs.delete(key(t))));
    expect((await store.runs.list()).map((r) => r.key).sort()).toEqual(threads.slice(10).map(key).sort());
  });

  it('keeps pending approvals, decides each once, and forgets a conversation’s approvals', async () => {
    const pending = {
      id: 'ap1',
      key: key('a'),
      callId: 'call_1',
      tool: 'refund',
      arguments: '{"order":7}',
      requesterId: 'u1',
      requestedAt: 1,
      expiresAt: 2,
    };
    expect(await store.approvals.open(pending)).toEqual(pending);
    // Opening the same approval again (a resumed run) returns what is recorded.
    expect(await store.approvals.open({ ...pending, requestedAt: 5 })).toEqual(pending);
    await store.approvals.open({ ...pending, id: 'ap2', callId: 'call_2' });
    const results = await Promise.all(
      ['u1', 'u2', 'u3'].map((by) => store.approvals.decide('ap1', { outcome: 'approved', by, at: 3 })),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await store.approvals.get('ap1'))?.decision).toMatchObject({ outcome: 'approved' });
    expect(await store.approvals.decide('ap1', { outcome: 'timeout', at: 4 })).toBe(false);
    expect(await store.approvals.decide('missing', { outcome: 'timeout', at: 4 })).toBe(false);
    await store.approvals.deleteFor(key('a'));
    expect(await store.approvals.get('ap1')).toBeUndefined();
    expect(await store.approvals.get('ap2')).toBeUndefined();
  });

  it('claims a mark once, and other marks independently', async () => {
    expect(await store.dedupe.claim('evt-1', 60_000)).toBe(true);
    expect(await store.dedupe.claim('evt-1', 60_000)).toBe(false);
    expect(await store.dedupe.claim('evt-2', 60_000)).toBe(true);
  });

  it('lets a mark be claimed again once its TTL has passed', async () => {
    // Long enough that the second claim falls inside it on a loaded machine, short enough to wait out.
    expect(await store.dedupe.claim('evt-ttl', 1_000)).toBe(true);
    expect(await store.dedupe.claim('evt-ttl', 1_000)).toBe(false);
    await eventually(() => store.dedupe.claim('evt-ttl', 60_000));
    expect(await store.dedupe.claim('evt-ttl', 60_000)).toBe(false);
  });

  it('grants exactly one of 50 parallel claims of the same mark', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, () => store.dedupe.claim('evt-race', 60_000)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('gives a conversation lease to one owner at a time, extends it, and frees it', async () => {
    expect(await store.leases.hold(key('l'), 'a', 60_000)).toBe(true);
    expect(await store.leases.hold(key('l'), 'b', 60_000)).toBe(false);
    expect(await store.leases.hold(key('l'), 'a', 60_000)).toBe(true);
    await store.leases.release(key('l'), 'b');
    expect(await store.leases.hold(key('l'), 'b', 60_000)).toBe(false);
    await store.leases.release(key('l'), 'a');
    expect(await store.leases.hold(key('l'), 'b', 60_000)).toBe(true);
  });

  it('lets a lease that is not extended expire', async () => {
    expect(await store.leases.hold(key('l2'), 'a', 100)).toBe(true);
    await eventually(() => store.leases.hold(key('l2'), 'b', 60_000));
    expect(await store.leases.hold(key('l2'), 'a', 60_000)).toBe(false);
  });

  it('hands messages over in order, with their files, and lists conversations with messages waiting', async () => {
    const message = (id: string, bytes: number[] = []) => ({
      id,
      key: key('h'),
      userId: 'u1',
      text: `text ${id}`,
      files:
        bytes.length > 0
          ? [{ name: 'a.bin', mimeType: 'application/octet-stream', bytes: new Uint8Array(bytes) }]
          : [],
      replyTo: { channel: 'c', thread: 't' },
      receivedAt: 5,
    });
    expect(await store.handoffs.waiting()).toEqual([]);
    await store.handoffs.push(message('1', [0, 255, 7]));
    await store.handoffs.push(message('2'));
    expect(await store.handoffs.count(key('h'))).toBe(2);
    expect(await store.handoffs.waiting()).toEqual([key('h')]);
    const taken = await store.handoffs.take(key('h'));
    expect(taken).toEqual([message('1', [0, 255, 7]), message('2')]);
    expect(await store.handoffs.take(key('h'))).toEqual([]);
    expect(await store.handoffs.waiting()).toEqual([]);
  });

  it('accumulates usage per user and per conversation for a UTC day', async () => {
    const day = new Date('2024-03-01T12:00:00Z');
    await store.usage.record(key('u'), 'alice', usage(10, 20, 5), new Date('2024-03-01T00:00:00Z'));
    await store.usage.record(key('u'), 'alice', usage(1, 2, 0), new Date('2024-03-01T23:59:59.999Z'));
    await store.usage.record(key('v'), 'alice', usage(100, 0, 0), day);
    await store.usage.record(key('u'), 'bob', usage(7, 7, 7), day);
    expect(await store.usage.forUser('alice', day)).toEqual({ ...usage(111, 22, 5), runs: 3 });
    expect(await store.usage.forUser('bob', day)).toEqual({ ...usage(7, 7, 7), runs: 1 });
    expect(await store.usage.forConversation(key('u'), day)).toEqual({ ...usage(18, 29, 12), runs: 3 });
    expect(await store.usage.forConversation(key('v'), day)).toEqual({ ...usage(100, 0, 0), runs: 1 });
  });

  it('keeps each UTC day separate and reports an empty day as zeros', async () => {
    await store.usage.record(key('d'), 'carol', usage(5, 5, 5), new Date('2024-03-01T23:59:59Z'));
    await store.usage.record(key('d'), 'carol', usage(3, 3, 3), new Date('2024-03-02T00:00:01Z'));
    expect(await store.usage.forUser('carol', new Date('2024-03-01T08:00:00Z'))).toEqual({
      ...usage(5, 5, 5),
      runs: 1,
    });
    expect(await store.usage.forConversation(key('d'), new Date('2024-03-02T20:00:00Z'))).toEqual({
      ...usage(3, 3, 3),
      runs: 1,
    });
    expect(await store.usage.forUser('carol', new Date('2024-03-03T00:00:00Z'))).toEqual({
      ...usage(0, 0, 0),
      runs: 0,
    });
  });

  it('loses no usage when 50 runs are recorded at once', async () => {
    const day = new Date('2024-05-05T05:05:05Z');
    await Promise.all(
      Array.from({ length: 50 }, () => store.usage.record(key('p'), 'dave', usage(1, 2, 3), day)),
    );
    expect(await store.usage.forUser('dave', day)).toEqual({ ...usage(50, 100, 150), runs: 50 });
    expect(await store.usage.forConversation(key('p'), day)).toEqual({ ...usage(50, 100, 150), runs: 50 });
  });

  it('refuses fractional token counts', async () => {
    await expect(store.usage.record(key('f'), 'erin', usage(1.5, 0, 0), new Date())).rejects.toThrow(
      RangeError,
    );
  });

  it('reads every record back after close and reopen', async () => {
    const day = new Date('2024-06-01T10:00:00Z');
    const thread: ThreadRecord = { threadId: 'thread_1', backend: 'assistants', createdAt: 5, lastUsedAt: 6 };
    await store.threads.set(key('keep'), thread);
    await store.assistants.set('bot', { assistantId: 'asst_9', configHash: 'h' });
    await store.runs.set(run('keep'));
    expect(await store.dedupe.claim('evt-keep', 60_000)).toBe(true);
    await store.usage.record(key('keep'), 'frank', usage(4, 5, 6), day);
    await store.close();

    store = await open();
    expect(await store.threads.get(key('keep'))).toEqual(thread);
    expect(await store.threads.list()).toEqual([{ key: key('keep'), record: thread }]);
    expect(await store.assistants.get('bot')).toEqual({ assistantId: 'asst_9', configHash: 'h' });
    expect(await store.runs.list()).toEqual([run('keep')]);
    expect(await store.dedupe.claim('evt-keep', 60_000)).toBe(false);
    expect(await store.usage.forUser('frank', day)).toEqual({ ...usage(4, 5, 6), runs: 1 });
  });

  it('fails calls after close with a StoreError and reports not ready', async () => {
    await store.close();
    await store.close();
    expect(await store.ping()).toBe(false);
    await expect(store.threads.get(key('x'))).rejects.toBeInstanceOf(StoreError);
    await expect(store.dedupe.claim('evt-closed', 1_000)).rejects.toMatchObject({
      code: 'store_unavailable',
    });
  });
});
