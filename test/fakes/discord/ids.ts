/** Discord's epoch (2015-01-01), the zero of every snowflake's timestamp. */
const DISCORD_EPOCH = 1_420_070_400_000n;

let last = 0n;

/**
 * A new snowflake: milliseconds since Discord's epoch in the high bits, as the service makes them,
 * so discord.js derives sensible creation times. Strictly increasing within the process.
 */
export function snowflake(now: number = Date.now()): string {
  let id = (BigInt(now) - DISCORD_EPOCH) << 22n;
  if (id <= last) id = last + 1n;
  last = id;
  return id.toString();
}

/** An interaction token: opaque, URL-safe, long like the real ones. */
export function interactionToken(): string {
  return `aW50ZXJhY3Rpb246${snowflake()}${Math.random().toString(36).slice(2)}`;
}

/**
 * A new snowflake on a given shard, `(id >> 22) % count === shard` (Discord's rule), for a guild a
 * test wants on that shard: its timestamp is moved at most `count - 1` ms ahead. Strictly increasing
 * with every other snowflake.
 */
export function snowflakeOnShard(shard: number, count: number, now: number = Date.now()): string {
  let ms = BigInt(now) - DISCORD_EPOCH;
  if (ms << 22n <= last) ms = (last >> 22n) + 1n;
  while (ms % BigInt(count) !== BigInt(shard)) ms += 1n;
  last = ms << 22n;
  return last.toString();
}
