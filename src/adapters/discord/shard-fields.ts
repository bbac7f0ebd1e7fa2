import { z } from 'zod';
import { optionalText } from '../../config/fields.js';

/**
 * Discord sharding across processes: `DISCORD_SHARD_IDS` names the gateway shards this process runs,
 * `DISCORD_SHARD_COUNT` how many there are in all. Discord sends a guild's events to shard
 * `(guild_id >> 22) % count` and DMs to shard 0, so every process must agree on the count.
 */

/** `DISCORD_SHARD_IDS`: a comma list of whole numbers from 0, repeats dropped; `undefined` when unset. */
export function shardIds() {
  return optionalText().transform((value, ctx) => {
    if (value === undefined) return undefined;
    const entries = value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    const bad = entries.filter((item) => !/^\d+$/.test(item) || !Number.isSafeInteger(Number(item)));
    if (entries.length === 0 || bad.length > 0) {
      ctx.addIssue(`must be a comma list of shard ids, whole numbers from 0 such as 0,1 (got "${value}")`);
      return z.NEVER;
    }
    return [...new Set(entries.map(Number))].sort((a, b) => a - b);
  });
}

/** `DISCORD_SHARD_COUNT`: a whole number from 1; `undefined` when unset. */
export function shardCount() {
  return optionalText().transform((value, ctx) => {
    if (value === undefined) return undefined;
    const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (Number.isSafeInteger(parsed) && parsed >= 1) return parsed;
    ctx.addIssue(`must be the total number of shards, a whole number from 1 (got "${value}")`);
    return z.NEVER;
  });
}

/** A problem between the two variables, by variable name. */
export interface ShardProblem {
  variable: 'DISCORD_SHARD_IDS' | 'DISCORD_SHARD_COUNT';
  message: string;
}

/**
 * The rules between the two variables: both or neither, and every id below the count. Either value
 * may be a placeholder of a variable that already failed; such a value counts as set and is not
 * compared.
 */
export function shardProblems(ids: unknown, count: unknown): ShardProblem[] {
  if (ids !== undefined && count === undefined) {
    return [
      {
        variable: 'DISCORD_SHARD_COUNT',
        message:
          'is required with DISCORD_SHARD_IDS: the total number of shards across all processes ' +
          '(the same in every process)',
      },
    ];
  }
  if (ids === undefined && count !== undefined) {
    return [
      {
        variable: 'DISCORD_SHARD_IDS',
        message: 'is required with DISCORD_SHARD_COUNT: the shards this process runs, such as 0,1',
      },
    ];
  }
  if (!Array.isArray(ids) || typeof count !== 'number') return [];
  const outside = ids.filter((id) => typeof id === 'number' && id >= count);
  if (outside.length === 0) return [];
  return [
    {
      variable: 'DISCORD_SHARD_IDS',
      message: `must all be below DISCORD_SHARD_COUNT (${count}): shard ids run from 0 to ${count - 1} (got ${outside.join(', ')})`,
    },
  ];
}
