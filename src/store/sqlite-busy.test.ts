import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyvSqlite } from '@keyv/sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoreDriver } from './driver.js';
import { withRetries } from './retrying-driver.js';
import { openSqliteDriver } from './sqlite-driver.js';
import { StoreUnavailableError } from './store-failures.js';

/**
 * SQLite has no server to lose; "unreachable" is the file being locked by another connection (a
 * backup, a second process opened on it by mistake) for longer than a statement waits. Another real
 * connection to the same file takes the lock here.
 */

let dir = '';
let file = '';
let other: KeyvSqlite;
const opened: StoreDriver[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'threadloom-busy-'));
  file = join(dir, 'store.sqlite');
  opened.push(await openSqliteDriver(file, 'ns'));
  other = new KeyvSqlite({ uri: `sqlite://${file}` });
});

afterEach(async () => {
  await other.query('ROLLBACK').catch(() => undefined);
  await other.close();
  for (const driver of opened.splice(0)) await driver.close();
  await rm(dir, { recursive: true, force: true });
});

/** A driver on the file whose statements give up on a lock after 20 ms, retried as configured. */
async function busyDriver(retryMs: number, onRetry?: () => void): Promise<StoreDriver> {
  const driver = await openSqliteDriver(file, `ns-${randomUUID()}`, 20);
  opened.push(driver);
  return withRetries(driver, { retryMs, ...(onRetry ? { onRetry } : {}) });
}

describe('sqlite store on a locked file', () => {
  it('waits for a lock held by another connection and writes once it is released', async () => {
    let firstRetry: () => void = () => undefined;
    const retried = new Promise<void>((resolve) => {
      firstRetry = resolve;
    });
    const driver = await busyDriver(60_000, () => firstRetry());
    await other.query('BEGIN EXCLUSIVE');

    const write = driver.set('k', { v: 1 });
    // The write hit the lock (SQLITE_BUSY past the busy timeout) and is being retried: let go now.
    await retried;
    await other.query('COMMIT');
    await write;
    expect(await driver.get('k')).toEqual({ v: 1 });
  });

  it('fails with store_unavailable (SQLITE_BUSY) once the lock outlasts the retries', async () => {
    const driver = await busyDriver(100);
    await other.query('BEGIN EXCLUSIVE');
    const failure = await driver.setIfAbsent('mark', 60_000).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect(failure).toMatchObject({
      code: 'store_unavailable',
      applied: 'no',
      cause: { code: 'SQLITE_BUSY' },
    });
  });

  it('reports not ready while the file is locked, and ready again after', async () => {
    const driver = await busyDriver(0);
    expect(await driver.ping()).toBe(true);
    await other.query('BEGIN EXCLUSIVE');
    expect(await driver.ping()).toBe(false);
    await other.query('COMMIT');
    expect(await driver.ping()).toBe(true);
  });
});
