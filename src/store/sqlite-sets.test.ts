import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyvSqlite } from '@keyv/sqlite';
import { Keyv } from 'keyv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoreDriver } from './driver.js';
import { openSqliteDriver } from './sqlite-driver.js';

const NAMESPACE = 'sets-test';
let dir = '';
let driver: StoreDriver | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'threadloom-sets-'));
});
afterEach(async () => {
  await driver?.close();
  driver = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** Writes a set as an older version kept it: the whole member list as one keyv value. */
async function writeOlderSet(file: string, key: string, members: string[]): Promise<void> {
  const keyv = new Keyv({ store: new KeyvSqlite({ uri: `sqlite://${file}` }), namespace: NAMESPACE });
  await keyv.set(key, members);
  await keyv.disconnect();
}

describe('sets in the SQLite store', () => {
  it('adds each member once, removes one, and lists the rest', async () => {
    driver = await openSqliteDriver(join(dir, 'store.sqlite'), NAMESPACE);
    await Promise.all(['a', 'b', 'a', 'c', 'b'].map((m) => driver?.addMember('threads', m)));
    await driver.removeMember('threads', 'b');
    await driver.removeMember('threads', 'never-added');
    expect((await driver.members('threads')).sort()).toEqual(['a', 'c']);
    expect(await driver.members('empty')).toEqual([]);
  });

  it('keeps 200 members added at once', async () => {
    driver = await openSqliteDriver(join(dir, 'store.sqlite'), NAMESPACE);
    const members = Array.from({ length: 200 }, (_, i) => `member-${i}`);
    await Promise.all(members.map((m) => driver?.addMember('run-turns', m)));
    expect((await driver.members('run-turns')).sort()).toEqual([...members].sort());
  });

  it('reads a set an older version kept as one value, and moves it on its first change', async () => {
    const file = join(dir, 'store.sqlite');
    // The table of records must exist before the older layout can be written into it.
    await (await openSqliteDriver(file, NAMESPACE)).close();
    await writeOlderSet(file, 'threads', ['old-1', 'old-2']);
    driver = await openSqliteDriver(file, NAMESPACE);
    expect((await driver.members('threads')).sort()).toEqual(['old-1', 'old-2']);
    await driver.removeMember('threads', 'old-1');
    await driver.addMember('threads', 'new-1');
    expect((await driver.members('threads')).sort()).toEqual(['new-1', 'old-2']);
    // Moved: the older value is gone, so nothing removed comes back from it.
    expect(await driver.get('threads')).toBeUndefined();
  });
});
