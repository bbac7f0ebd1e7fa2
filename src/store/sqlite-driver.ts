import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { KeyvSqlite } from '@keyv/sqlite';
import { Keyv } from 'keyv';
import { StoreError } from '../core/errors.js';
import { ClosedGuard, checkAmounts, checkTtl, type StoreDriver, storeCall } from './driver.js';
import { keyvRecords } from './keyv-records.js';
import { localSignals } from './local-signals.js';
import { SerialQueue } from './serial-queue.js';
import { type SetOperations, sqliteSets } from './sqlite-sets.js';
import { classifySqliteFailure, partly } from './store-failures.js';

/** How often expired rows (dedupe marks) are deleted; keyv itself only drops them when read again. */
const SWEEP_INTERVAL_MS = 60 * 60 * 1000;

/**
 * How long a statement waits for a lock another connection holds on the file (a backup, a second
 * process opened by mistake) before failing with SQLITE_BUSY (node-sqlite3's own default is 1 s).
 * Past it, the retrying driver tries again within STORE_RETRY_MS, with the file free in between.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 2_000;

/**
 * A write-ahead log, synced at checkpoints rather than at every commit. The default (a rollback
 * journal, synced at every commit) costs several fsyncs per write, about 9 ms each on the bench's
 * machine, and a turn writes a few records before its request (the message's mark, the lease, the
 * thread's last use): that was most of what the console added before the first answer text. With
 * the log, a write costs about 0.3 ms; a commit is lost only if the machine itself loses power
 * before the next checkpoint (a crash of the process loses nothing), and a reader never waits for
 * a writer. The file then has `-wal` and `-shm` files beside it, and must be on a local disk (not a
 * network file system), as SQLite's shared memory needs.
 */
const WRITE_AHEAD = ['PRAGMA journal_mode = WAL', 'PRAGMA synchronous = NORMAL'] as const;

/**
 * Opens (creating it and its directory if needed) the SQLite file at `path`, relative to the working
 * directory or absolute. SQLite mode is single-instance by design (the product runs many instances
 * only on Redis), so read-modify-write operations are made atomic by running them one at a time in
 * this process: no other writer exists to interleave with them.
 */
export async function openSqliteDriver(
  path: string,
  namespace: string,
  busyTimeoutMs: number = SQLITE_BUSY_TIMEOUT_MS,
): Promise<StoreDriver> {
  const file = path === ':memory:' ? path : resolve(path);
  try {
    if (file !== ':memory:') await mkdir(dirname(file), { recursive: true });
  } catch (error) {
    throw new StoreError(`cannot create the directory for the SQLite store at ${file}`, { cause: error });
  }
  const adapter = new KeyvSqlite({ uri: `sqlite://${file}`, busyTimeout: busyTimeoutMs });
  const keyv = new Keyv({ store: adapter, namespace, throwOnErrors: true });
  try {
    // The adapter opens the file lazily; a query now turns "cannot open" into a start-up error.
    await adapter.query('SELECT 1');
    if (file !== ':memory:') for (const pragma of WRITE_AHEAD) await adapter.query(pragma);
  } catch (error) {
    throw new StoreError(`cannot open the SQLite store at ${file}`, { cause: error });
  }

  const guard = new ClosedGuard();
  const queue = new SerialQueue();
  const records = keyvRecords(keyv, guard, classifySqliteFailure);
  const locked = <T>(
    operation: string,
    key: string,
    task: () => Promise<T>,
    classify = classifySqliteFailure,
  ) =>
    storeCall(
      operation,
      key,
      () => {
        guard.check();
        return queue.run(task);
      },
      classify,
    );

  // keyv's own key prefix; rows outside it belong to someone else sharing the file.
  const prefix = `${namespace}:`;
  // Logs get a table of their own: one row per item, so an append writes one row, not the whole log.
  const logs = `${adapter.opts.table}_logs`;
  try {
    await adapter.query(
      `CREATE TABLE IF NOT EXISTS ${logs} (key TEXT NOT NULL, position INTEGER NOT NULL, item TEXT NOT NULL,
         PRIMARY KEY (key, position))`,
    );
  } catch (error) {
    throw new StoreError(`cannot create the log table in the SQLite store at ${file}`, { cause: error });
  }
  let sets: SetOperations;
  try {
    sets = await sqliteSets(adapter, keyv, prefix, locked);
  } catch (error) {
    throw new StoreError(`cannot create the set table in the SQLite store at ${file}`, { cause: error });
  }
  const sweep = () =>
    queue
      .run(() =>
        adapter.query(
          `DELETE FROM ${adapter.opts.table} WHERE substr(key, 1, ?) = ? AND json_valid(value)
             AND json_extract(value, '$.expires') < ?`,
          prefix.length,
          prefix,
          Date.now(),
        ),
      )
      // Housekeeping only: keyv still treats an expired row as absent, so a failed sweep loses nothing.
      .catch(() => undefined);
  await sweep();
  const sweeper = setInterval(sweep, SWEEP_INTERVAL_MS).unref();

  return {
    kind: 'sqlite',
    ...records,
    setIfAbsent: (key, ttlMs, holder) => {
      const ttl = checkTtl(ttlMs);
      return locked('claim', key, async () => {
        // keyv.get returns undefined for an expired row, so an expired mark can be claimed again.
        const current = await keyv.get(key);
        if (current !== undefined) return holder !== undefined && current === holder;
        await keyv.set(key, holder ?? 1, ttl);
        return true;
      });
    },
    lease: (key, owner, ttlMs) => {
      const ttl = checkTtl(ttlMs);
      return locked('lease', key, async () => {
        const holder = await keyv.get<string>(key);
        if (holder !== undefined && holder !== owner) return false;
        await keyv.set(key, owner, ttl);
        return true;
      });
    },
    endLease: (key, owner) =>
      locked('end lease', key, async () => {
        if ((await keyv.get<string>(key)) === owner) await keyv.delete(key);
      }),
    leaseHolder: (key) => records.get<string>(key),
    // One process per SQLite file: signals between instances never leave it.
    ...localSignals(),
    pushItem: (key, item) =>
      locked('push', key, async () => {
        await keyv.set(key, [...((await keyv.get<string[]>(key)) ?? []), item]);
      }),
    takeItems: (key) =>
      locked('take items', key, async () => {
        const items = (await keyv.get<string[]>(key)) ?? [];
        if (items.length > 0) await keyv.delete(key);
        return items;
      }),
    countItems: (key) =>
      locked('count items', key, async () => ((await keyv.get<string[]>(key)) ?? []).length),
    appendLog: (key, item) =>
      locked('append to log', key, async () => {
        const rows = (await adapter.query(
          `SELECT COALESCE(MAX(position), 0) AS last FROM ${logs} WHERE key = ?`,
          prefix + key,
        )) as { last: number }[];
        const position = (rows[0]?.last ?? 0) + 1;
        await adapter.query(
          `INSERT INTO ${logs} (key, position, item) VALUES (?, ?, ?)`,
          prefix + key,
          position,
          item,
        );
        return position;
      }),
    readLog: (key, after, limit) =>
      storeCall(
        'read log',
        key,
        async () => {
          guard.check();
          return (await adapter.query(
            `SELECT position, item FROM ${logs} WHERE key = ? AND position > ? ORDER BY position LIMIT ?`,
            prefix + key,
            after,
            limit,
          )) as { position: number; item: string }[];
        },
        classifySqliteFailure,
      ),
    deleteLog: (key) =>
      locked('delete log', key, async () => {
        await adapter.query(`DELETE FROM ${logs} WHERE key = ?`, prefix + key);
      }),
    increment: (keys, amounts) => {
      checkAmounts(amounts);
      return locked(
        'increment',
        keys.join(' '),
        async () => {
          for (const key of keys) {
            const next = { ...((await keyv.get<Record<string, number>>(key)) ?? {}) };
            for (const [field, amount] of Object.entries(amounts)) next[field] = (next[field] ?? 0) + amount;
            await keyv.set(key, next);
          }
        },
        // One write per key: a busy file may fail the second after the first went in.
        partly(classifySqliteFailure),
      );
    },
    hit: (key, ttlMs) => {
      const ttl = checkTtl(ttlMs);
      return locked('hit', key, async () => {
        const current = await keyv.get<{ count: number; expiresAt: number }>(key);
        const now = Date.now();
        // The first hit fixes the expiry; later hits keep it (keyv would otherwise extend it).
        const expiresAt = current?.expiresAt ?? now + ttl;
        const count = (current?.count ?? 0) + 1;
        await keyv.set(key, { count, expiresAt }, Math.max(1, expiresAt - now));
        return count;
      });
    },
    counters: async (key) => (await records.get<Record<string, number>>(key)) ?? {},
    ...sets,
    ping: async () => {
      if (guard.closed) return false;
      // A write that changes nothing, not just `SELECT 1`: it takes the write lock, so a file another
      // process holds locked (past the busy timeout) or cannot be written any more counts as
      // unreachable (with the write-ahead log, reads go on while another connection writes).
      return adapter.query(`DELETE FROM ${adapter.opts.table} WHERE 0`).then(
        () => true,
        () => false,
      );
    },
    close: async () => {
      if (!guard.close()) return;
      clearInterval(sweeper);
      await queue.drain();
      await storeCall('close', file, () => keyv.disconnect());
    },
  };
}
