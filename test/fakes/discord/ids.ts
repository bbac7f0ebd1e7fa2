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
