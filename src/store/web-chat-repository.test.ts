import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@keyv/redis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StoreConfig } from '../config/types.js';
import { conversationKey } from '../core/conversation.js';
import { createStore } from './create-store.js';
import type { Store } from './types.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const RUN_ID = randomUUID();
let sqliteDir = '';

const targets: { name: string; config: () => StoreConfig }[] = [
  { name: 'sqlite', config: () => ({ kind: 'sqlite', path: join(sqliteDir, 'web.sqlite') }) },
  { name: 'redis', config: () => ({ kind: 'redis', url: REDIS_URL }) },
];

beforeAll(async () => {
  sqliteDir = await mkdtemp(join(tmpdir(), 'threadloom-web-store-'));
});
afterAll(async () => {
  await rm(sqliteDir, { recursive: true, force: true });
  const client = createClient({ url: REDIS_URL });
  await client.connect();
  for await (const keys of client.scanIterator({ MATCH: `tl-web-${RUN_ID}-*`, COUNT: 500 })) {
    if (keys.length > 0) await client.unlink(keys);
  }
  await client.close();
});

let count = 0;
const key = (user: string, id: string) => conversationKey('web', user, id);
const record = (id: string, updatedAt: number) => ({ id, title: `chat ${id}`, createdAt: 1, updatedAt });

describe.each(targets)('web chat records on $name', (target) => {
  let store: Store;
  let namespace = '';
  beforeEach(async () => {
    namespace = `tl-web-${RUN_ID}-${++count}`;
    store = await createStore(target.config(), { namespace });
  });
  afterEach(async () => {
    await store.close();
  });

  it('lists a user’s conversations, most recently used first, and no one else’s', async () => {
    await store.web.save('alice', record('a1', 10));
    await store.web.save('alice', record('a2', 30));
    await store.web.save('alice', record('a3', 20));
    await store.web.save('bob', record('b1', 40));
    expect((await store.web.list('alice')).map((r) => r.id)).toEqual(['a2', 'a3', 'a1']);
    expect((await store.web.list('bob')).map((r) => r.id)).toEqual(['b1']);
    expect(await store.web.get('bob', 'a1')).toBeUndefined();
    expect([await store.web.owner('a1'), await store.web.owner('b1'), await store.web.owner('zz')]).toEqual([
      'alice',
      'bob',
      undefined,
    ]);
    await store.web.save('alice', { ...record('a1', 50), title: 'renamed' });
    expect((await store.web.list('alice'))[0]).toEqual({ ...record('a1', 50), title: 'renamed' });
  });

  it('appends events at positions 1, 2, 3 and reads them back after any position', async () => {
    const k = key('alice', 'c1');
    for (const n of [1, 2, 3, 4, 5]) expect(await store.web.append(k, `{"n":${n}}`)).toBe(n);
    expect(await store.web.events(k, 0, 100)).toEqual(
      [1, 2, 3, 4, 5].map((n) => ({ position: n, event: `{"n":${n}}` })),
    );
    expect((await store.web.events(k, 3, 100)).map((e) => e.position)).toEqual([4, 5]);
    expect((await store.web.events(k, 1, 2)).map((e) => e.position)).toEqual([2, 3]);
    expect(await store.web.events(k, 5, 100)).toEqual([]);
    expect(await store.web.events(key('alice', 'other'), 0, 100)).toEqual([]);
  });

  it('gives 40 appends at once 40 different positions', async () => {
    const k = key('alice', 'busy');
    const positions = await Promise.all(Array.from({ length: 40 }, (_, i) => store.web.append(k, String(i))));
    expect([...positions].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const read = await store.web.events(k, 0, 100);
    expect(read.map((e) => Number(e.event)).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => i),
    );
  });

  it('keeps files with their bytes, and removes a conversation whole', async () => {
    const k = key('alice', 'c2');
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    await store.web.save('alice', record('c2', 1));
    await store.web.append(k, '{}');
    await store.web.saveFile(k, 'f1', { name: 'chart.png', mimeType: 'image/png', bytes });
    expect(await store.web.file(k, 'f1')).toEqual({ name: 'chart.png', mimeType: 'image/png', bytes });
    expect(await store.web.file(key('bob', 'c2'), 'f1')).toBeUndefined();
    await store.web.remove('alice', 'c2');
    expect(await store.web.list('alice')).toEqual([]);
    expect(await store.web.owner('c2')).toBeUndefined();
    expect(await store.web.events(k, 0, 10)).toEqual([]);
    expect(await store.web.file(k, 'f1')).toBeUndefined();
    // A new log under the same key starts again at 1.
    expect(await store.web.append(k, '{}')).toBe(1);
  });

  it('keeps everything across close and reopen', async () => {
    const k = key('alice', 'c3');
    await store.web.save('alice', record('c3', 1));
    await store.web.append(k, 'one');
    await store.close();
    store = await createStore(target.config(), { namespace });
    expect((await store.web.list('alice')).map((r) => r.id)).toEqual(['c3']);
    expect(await store.web.append(k, 'two')).toBe(2);
  });
});
