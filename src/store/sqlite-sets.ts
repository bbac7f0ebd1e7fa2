import type { KeyvSqlite } from '@keyv/sqlite';
import type { Keyv } from 'keyv';
import type { StoreDriver } from './driver.js';

/** The set operations of a driver. */
export type SetOperations = Pick<StoreDriver, 'addMember' | 'removeMember' | 'members'>;

/**
 * Sets in a table of their own, one row per member: adding or removing a member writes one row. They
 * were one keyv value per set (the whole JSON array read, changed and written back), which made every
 * change cost as much as the set is large; the indexes of all threads and of all runs in flight grow
 * with the conversations, so 1,000 answers at once spent their time and memory re-encoding them.
 * A set an older version left as a keyv value is moved into the table the first time it changes,
 * and read from both places until then. `run` serialises a change with the driver's other
 * read-modify-write operations.
 */
export async function sqliteSets(
  adapter: KeyvSqlite,
  keyv: Keyv,
  prefix: string,
  run: <T>(operation: string, key: string, task: () => Promise<T>) => Promise<T>,
): Promise<SetOperations> {
  const sets = `${adapter.opts.table}_sets`;
  await adapter.query(
    `CREATE TABLE IF NOT EXISTS ${sets} (key TEXT NOT NULL, member TEXT NOT NULL, PRIMARY KEY (key, member))`,
  );
  const rows = async (key: string) =>
    (
      (await adapter.query(`SELECT member FROM ${sets} WHERE key = ?`, prefix + key)) as { member: string }[]
    ).map((row) => row.member);
  /** Moves a set an older version kept as one keyv value into the table. */
  const moveOlder = async (key: string) => {
    const older = await keyv.get<string[]>(key);
    if (older === undefined) return;
    for (const member of older) {
      await adapter.query(`INSERT OR IGNORE INTO ${sets} (key, member) VALUES (?, ?)`, prefix + key, member);
    }
    await keyv.delete(key);
  };
  return {
    addMember: (key, member) =>
      run('add member', key, async () => {
        await moveOlder(key);
        await adapter.query(
          `INSERT OR IGNORE INTO ${sets} (key, member) VALUES (?, ?)`,
          prefix + key,
          member,
        );
      }),
    removeMember: (key, member) =>
      run('remove member', key, async () => {
        await moveOlder(key);
        await adapter.query(`DELETE FROM ${sets} WHERE key = ? AND member = ?`, prefix + key, member);
      }),
    members: (key) =>
      run('list members', key, async () => {
        const [inTable, older] = await Promise.all([rows(key), keyv.get<string[]>(key)]);
        return older === undefined ? inTable : [...new Set([...older, ...inTable])];
      }),
  };
}
