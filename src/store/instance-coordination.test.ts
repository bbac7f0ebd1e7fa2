import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@keyv/redis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StoreConfig } from '../config/types.js';
import { conversationKey } from '../core/conversation.js';
import { createStore } from './create-store.js';
import type { RunRecord, Store } from './types.js';

/**
 * What instances sharing a store coordinate through, on both stores: run records kept per turn, who
 * holds a conversation, the messages on their way, and signals between instances.
 */

const REDIS_URL = 'redis://127.0.0.1:6379';
const RUN_ID = randomUUID();
let sqliteDir = '';
const targets: { name: 'sqlite' | 'redis'; config: () => StoreConfig }[] = [
  { name: 'sqlite', config: () => ({ kind: 'sqlite', path: join(sqliteDir, 'store.sqlite') }) },
  { name: 'redis', config: () => ({ kind: 'redis', url: REDIS_URL }) },
];

beforeAll(async () => {
  sqliteDir = await mkdtemp(join(tmpdir(), 'threadloom-coordination-'));
});
afterAll(async () => {
  await rm(sqliteDir, { recursive: true, force: true });
  const client = createClient({ url: REDIS_URL });
  await client.connect();
  for await (const keys of client.scanIterator({ MATCH: `tl-coord-${RUN_ID}-*`, COUNT: 500 })) {
    if (keys.length > 0) await client.unlink(keys);
  }
  await client.close();
});

const key = conversationKey('slack', 'T1', 'C1', '100.000001');
const run = (turnId: string | undefined, startedAt: number): RunRecord => ({
  key,
  ...(turnId === undefined ? {} : { turnId }),
  backend: 'responses',
  threadId: 'conv_1',
  runId: `resp_${startedAt}`,
  userId: 'u1',
  messageIds: [`m${startedAt}`],
  replyTo: { channel: 'C1' },
  startedAt,
});

let count = 0;
describe.each(targets)('coordination on $name', (target) => {
  let store: Store;
  let namespace = '';
  beforeEach(async () => {
    namespace = `tl-coord-${RUN_ID}-${++count}`;
    store = await createStore(target.config(), { namespace });
  });
  afterEach(async () => {
    await store.close();
  });

  it('keeps a run record per turn: a new turn never overwrites an unfinished one', async () => {
    const first = randomUUID();
    const second = randomUUID();
    await store.runs.set(run(first, 1));
    await store.runs.set(run(second, 2));
    expect(await store.runs.forConversation(key)).toEqual([run(first, 1), run(second, 2)]);
    expect(await store.runs.get(key)).toEqual(run(first, 1));
    await store.runs.set({ ...run(second, 2), position: '7' });
    await store.runs.delete(key, second);
    expect(await store.runs.list()).toEqual([run(first, 1)]);
    await store.runs.delete(key, first);
    expect(await store.runs.forConversation(key)).toEqual([]);
    expect(await store.runs.list()).toEqual([]);
  });

  it('still lists, finds and clears a record of the older per-conversation layout', async () => {
    const turn = randomUUID();
    await store.runs.set(run(undefined, 1));
    await store.runs.set(run(turn, 2));
    expect(await store.runs.list()).toEqual([run(undefined, 1), run(turn, 2)]);
    expect(await store.runs.forConversation(key)).toEqual([run(undefined, 1), run(turn, 2)]);
    await store.runs.delete(key);
    expect(await store.runs.list()).toEqual([run(turn, 2)]);
  });

  it('says which instance holds a conversation', async () => {
    expect(await store.leases.holder(key)).toBeUndefined();
    expect(await store.leases.hold(key, 'host:3001', 60_000)).toBe(true);
    expect(await store.leases.holder(key)).toBe('host:3001');
    await store.leases.release(key, 'host:3001');
    expect(await store.leases.holder(key)).toBeUndefined();
  });

  it('keeps the messages on their way until they are withdrawn', async () => {
    await store.arrivals.announce(key, '100.000002', 2);
    await store.arrivals.announce(key, '100.000003', 3);
    expect((await store.arrivals.pending(key)).sort((a, b) => a.order - b.order)).toEqual([
      { id: '100.000002', order: 2 },
      { id: '100.000003', order: 3 },
    ]);
    await store.arrivals.withdraw(key, [{ id: '100.000002', order: 2 }]);
    expect(await store.arrivals.pending(key)).toEqual([{ id: '100.000003', order: 3 }]);
  });

  it('delivers a signal to the instance listening, and says when nobody listens', async () => {
    const heard: string[] = [];
    let arrived: () => void = () => undefined;
    const got = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const stop = await store.signals.listen('host:3001', (signal) => {
      heard.push(signal);
      arrived();
    });
    expect(await store.signals.send('host:3001', '{"kind":"handoff"}')).toBe(true);
    await got;
    expect(heard).toEqual(['{"kind":"handoff"}']);
    expect(await store.signals.send('host:3002', 'nobody')).toBe(false);
    await stop();
    expect(await store.signals.send('host:3001', 'after')).toBe(false);
  });
});

describe('signals on redis', () => {
  it('reach another store on the same namespace, never one on another namespace or database', async () => {
    const namespace = `tl-coord-${RUN_ID}-shared`;
    const [a, b, other, otherDb] = await Promise.all([
      createStore({ kind: 'redis', url: REDIS_URL }, { namespace }),
      createStore({ kind: 'redis', url: REDIS_URL }, { namespace }),
      createStore({ kind: 'redis', url: REDIS_URL }, { namespace: `${namespace}-other` }),
      createStore({ kind: 'redis', url: `${REDIS_URL}/3` }, { namespace }),
    ]);
    try {
      const heard: string[] = [];
      const stops = await Promise.all(
        [other, otherDb].map((store) => store.signals.listen('host:3001', (s) => heard.push(`wrong:${s}`))),
      );
      const got = new Promise<string>((resolve) => {
        void b.signals.listen('host:3001', resolve);
      });
      // Listening is set up before the send resolves: retried until b's subscription is in place.
      let sent = false;
      while (!sent) sent = await a.signals.send('host:3001', 'stop');
      expect(await got).toBe('stop');
      expect(heard).toEqual([]);
      await Promise.all(stops.map((stop) => stop()));
    } finally {
      await Promise.all([a, b, other, otherDb].map((store) => store.close()));
    }
  });
});
