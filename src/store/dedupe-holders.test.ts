import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@keyv/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreConfig } from '../config/types.js';
import { createStore } from './create-store.js';
import type { StoreDriver } from './driver.js';
import { storeKeys } from './keys.js';
import { openRedisDriver } from './redis-driver.js';
import { openSqliteDriver } from './sqlite-driver.js';

/**
 * Dedupe claims through a store outage: a claim tried again by the same holder (its first answer
 * lost) counts as its own, and a process remembers what it claimed when the store forgets it.
 */

const REDIS_URL = 'redis://127.0.0.1:6379';
const RUN_ID = randomUUID();
let dir = '';
let count = 0;

const targets: { name: string; config(): StoreConfig; driver(namespace: string): Promise<StoreDriver> }[] = [
  {
    name: 'sqlite',
    config: () => ({ kind: 'sqlite', path: join(dir, 'store.sqlite') }),
    driver: (namespace) => openSqliteDriver(join(dir, 'store.sqlite'), namespace),
  },
  {
    name: 'redis',
    config: () => ({ kind: 'redis', url: REDIS_URL }),
    driver: (namespace) => openRedisDriver(REDIS_URL, namespace, 5_000),
  },
];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'threadloom-holders-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  const client = createClient({ url: REDIS_URL });
  await client.connect();
  for await (const keys of client.scanIterator({ MATCH: `tl-test-${RUN_ID}-*`, COUNT: 500 })) {
    if (keys.length > 0) await client.unlink(keys);
  }
  await client.close();
});

describe.each(targets)('dedupe claims on $name', (target) => {
  it('counts a claim by the same holder as its own, and refuses every other holder', async () => {
    const namespace = `tl-test-${RUN_ID}-${++count}`;
    const driver = await target.driver(namespace);
    try {
      expect(await driver.setIfAbsent('mark-h', 60_000, 'h1')).toBe(true);
      expect(await driver.setIfAbsent('mark-h', 60_000, 'h1')).toBe(true);
      expect(await driver.setIfAbsent('mark-h', 60_000, 'h2')).toBe(false);
      expect(await driver.setIfAbsent('mark-h', 60_000)).toBe(false);
    } finally {
      await driver.close();
    }
    const store = await createStore(target.config(), { namespace });
    try {
      expect(await store.dedupe.claim('evt-h', 60_000, 'h1')).toBe(true);
      expect(await store.dedupe.claim('evt-h', 60_000, 'h1')).toBe(true);
      expect(await store.dedupe.claim('evt-h', 60_000, 'h2')).toBe(false);
      expect(store.dedupe.claimHere('evt-h', 60_000, 'h1')).toBe(true);
      expect(store.dedupe.claimHere('evt-h', 60_000, 'h3')).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('does not remember a claim the store refused: the mark is free here once the store frees it', async () => {
    const namespace = `tl-test-${RUN_ID}-${++count}`;
    const store = await createStore(target.config(), { namespace });
    const other = await createStore(target.config(), { namespace });
    const driver = await target.driver(namespace);
    try {
      expect(await other.dedupe.claim('evt-refused', 60_000, 'h1')).toBe(true);
      expect(await store.dedupe.claim('evt-refused', 60_000, 'h2')).toBe(false);
      // The other's mark goes (it expired): a later delivery here may take it.
      await driver.delete(storeKeys.dedupe('evt-refused'));
      expect(await store.dedupe.claim('evt-refused', 60_000, 'h3')).toBe(true);
    } finally {
      await driver.close();
      await other.close();
      await store.close();
    }
  });

  it('remembers the marks it claimed when the store forgets them (a Redis restarted without its data)', async () => {
    const namespace = `tl-test-${RUN_ID}-${++count}`;
    const store = await createStore(target.config(), { namespace });
    const other = await createStore(target.config(), { namespace });
    const driver = await target.driver(namespace);
    try {
      expect(await store.dedupe.claim('evt-forgot', 60_000)).toBe(true);
      await driver.delete(storeKeys.dedupe('evt-forgot'));
      expect(await store.dedupe.claim('evt-forgot', 60_000)).toBe(false);
      // Another process sharing the store has no such memory: the mark is gone for it.
      expect(await other.dedupe.claim('evt-forgot', 60_000)).toBe(true);
    } finally {
      await driver.close();
      await other.close();
      await store.close();
    }
  });
});
