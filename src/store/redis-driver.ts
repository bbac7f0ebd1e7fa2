import KeyvRedis, { createClient } from '@keyv/redis';
import { Keyv } from 'keyv';
import { StoreError } from '../core/errors.js';
import { ClosedGuard, checkAmounts, checkTtl, type StoreDriver, storeCall } from './driver.js';
import { keyvRecords } from './keyv-records.js';
import { redisSignals } from './redis-signals.js';
import { databaseOf, maskRedisUrl } from './redis-url.js';
import { classifyRedisFailure } from './store-failures.js';

/**
 * Create the key unless it exists; an existing key holding the caller's own value counts as created
 * (the caller's earlier try went through but its answer was lost). One step on the server.
 */
const CLAIM_SCRIPT = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 1
end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return 1
end
return 0`;

/** Take the lease if it is free, extend it if the caller holds it: one step on the server. */
const LEASE_SCRIPT = `
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

/** Delete the lease only if the caller still holds it (it may have expired and passed on). */
const END_LEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/** A health check or a close that takes longer than this counts as failed. */
const PING_TIMEOUT_MS = 2_000;

/**
 * Connects to Redis at `url`. Compound operations use the underlying client so they are atomic on the
 * server, across every instance sharing the store: SET NX PX for claims, HINCRBY in MULTI for
 * counters, SADD/SREM for sets. Raw keys are derived with the adapter's own prefixing, so they live
 * beside keyv's records under the same namespace.
 */
export async function openRedisDriver(
  url: string,
  namespace: string,
  connectTimeoutMs: number,
): Promise<StoreDriver> {
  const shown = maskRedisUrl(url);
  let connected = false;
  const client = createRedisClient(url, shown, connectTimeoutMs, () => connected);
  // Without a listener node-redis would crash the process on the first socket error; failures reach
  // callers as rejected commands instead.
  client.on('error', () => undefined);
  try {
    // The deadline also covers a server that accepts TCP but never answers the handshake.
    await withDeadline(client.connect(), connectTimeoutMs);
  } catch (error) {
    if (client.isOpen) client.destroy();
    throw new StoreError(`cannot connect to the Redis store at ${shown}`, { cause: error });
  }
  connected = true;

  const adapter = new KeyvRedis(client, { namespace, throwOnErrors: true });
  // useKeyPrefix false: the adapter prefixes keys itself; keyv would prefix them a second time.
  const keyv = new Keyv({ store: adapter, namespace, useKeyPrefix: false, throwOnErrors: true });
  const guard = new ClosedGuard();
  const raw = (key: string) => adapter.createKeyPrefix(key, namespace);
  const call = <T>(operation: string, key: string, run: () => Promise<T>) =>
    storeCall(
      operation,
      key,
      () => {
        guard.check();
        return run();
      },
      classifyRedisFailure,
    );
  const database = databaseOf(url);
  const signals = redisSignals(
    client,
    (channel) => `${raw(channel)}@${database}`,
    guard,
    async () => {
      const listener = client.duplicate();
      listener.on('error', () => undefined);
      try {
        await withDeadline(listener.connect(), connectTimeoutMs);
      } catch (error) {
        if (listener.isOpen) listener.destroy();
        throw error;
      }
      return listener;
    },
  );

  return {
    kind: 'redis',
    ...keyvRecords(keyv, guard, classifyRedisFailure),
    setIfAbsent: (key, ttlMs, holder) => {
      const ttl = checkTtl(ttlMs);
      return call('claim', key, async () => {
        if (holder === undefined) {
          const reply = await client.set(raw(key), '1', {
            condition: 'NX',
            expiration: { type: 'PX', value: ttl },
          });
          return reply === 'OK';
        }
        const reply = await client.eval(CLAIM_SCRIPT, { keys: [raw(key)], arguments: [holder, String(ttl)] });
        return Number(reply) === 1;
      });
    },
    increment: (keys, amounts) => {
      checkAmounts(amounts);
      return call('increment', keys.join(' '), async () => {
        // One MULTI: a reader never sees a run's input tokens counted without its output tokens, nor
        // the user's totals updated without the conversation's.
        const multi = client.multi();
        for (const key of keys) {
          for (const [field, amount] of Object.entries(amounts)) multi.hIncrBy(raw(key), field, amount);
        }
        await multi.exec();
      });
    },
    hit: (key, ttlMs) => {
      const ttl = checkTtl(ttlMs);
      return call('hit', key, async () => {
        // INCR and the first expiry in one MULTI: a counter never lives on without its expiry.
        const [count] = await client.multi().incr(raw(key)).pExpire(raw(key), ttl, 'NX').exec();
        return Number(count);
      });
    },
    counters: (key) =>
      call('read counters', key, async () => {
        const hash = await client.hGetAll(raw(key));
        return Object.fromEntries(Object.entries(hash).map(([field, value]) => [field, Number(value)]));
      }),
    addMember: (key, member) =>
      call('add member', key, async () => void (await client.sAdd(raw(key), member))),
    removeMember: (key, member) =>
      call('remove member', key, async () => void (await client.sRem(raw(key), member))),
    members: (key) => call('list members', key, () => client.sMembers(raw(key))),
    lease: (key, owner, ttlMs) => {
      const ttl = checkTtl(ttlMs);
      return call('lease', key, async () => {
        const reply = await client.eval(LEASE_SCRIPT, { keys: [raw(key)], arguments: [owner, String(ttl)] });
        return Number(reply) === 1;
      });
    },
    endLease: (key, owner) =>
      call('end lease', key, async () => {
        await client.eval(END_LEASE_SCRIPT, { keys: [raw(key)], arguments: [owner] });
      }),
    leaseHolder: (key) => call('read lease', key, async () => (await client.get(raw(key))) ?? undefined),
    publish: signals.publish,
    subscribe: signals.subscribe,
    pushItem: (key, item) => call('push', key, async () => void (await client.rPush(raw(key), item))),
    takeItems: (key) =>
      call('take items', key, async () => {
        // LRANGE and DEL in one MULTI: an item pushed meanwhile is either taken now or left whole.
        const [items] = await client.multi().lRange(raw(key), 0, -1).del(raw(key)).exec();
        return (items as unknown as string[]) ?? [];
      }),
    countItems: (key) => call('count items', key, () => client.lLen(raw(key))),
    // A log is a list that is only appended to (RPUSH answers the new length: the item's position)
    // and deleted whole, so a position is the item's list index plus one for as long as the log lives.
    appendLog: (key, item) => call('append to log', key, () => client.rPush(raw(key), item)),
    readLog: (key, after, limit) =>
      call('read log', key, async () => {
        const items = await client.lRange(raw(key), after, after + limit - 1);
        return items.map((item, i) => ({ position: after + i + 1, item }));
      }),
    deleteLog: (key) => call('delete log', key, async () => void (await client.del(raw(key)))),
    ping: async () => {
      if (guard.closed || !client.isReady) return false;
      return withDeadline(client.ping(), PING_TIMEOUT_MS).then(
        (reply) => reply === 'PONG',
        () => false,
      );
    },
    close: async () => {
      if (!guard.close()) return;
      await withDeadline(signals.close(), PING_TIMEOUT_MS).catch(() => undefined);
      if (!client.isOpen) return;
      // close() waits for pending replies; a dead server must not hold shutdown, so destroy after a bound.
      await withDeadline(client.close(), PING_TIMEOUT_MS).catch(() => client.destroy());
    },
  };
}

/**
 * A client whose first connection is tried once: node-redis (and @keyv/redis's default strategy)
 * otherwise retries for ever and start-up hangs. Once connected, it reconnects with backoff for as
 * long as it takes, and the offline queue is off so commands fail fast while Redis is away instead of
 * hanging (StoreUnavailableErrors; the retrying driver waits for Redis within STORE_RETRY_MS). MULTI
 * is the exception node-redis makes: it is queued while reconnecting, and fails with the next
 * failed attempt (within the 2 s backoff) or runs once Redis is back.
 */
function createRedisClient(url: string, shown: string, connectTimeout: number, wasConnected: () => boolean) {
  try {
    return createClient({
      url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout,
        reconnectStrategy: (retries: number) =>
          wasConnected() ? Math.min(2 ** retries * 100, 2_000) : false,
      },
    });
  } catch {
    // The cause is left out on purpose: URL parse errors carry the input, password included.
    throw new StoreError(`invalid Redis URL ${shown}`);
  }
}

/** Settles as `promise` does, or rejects once `ms` have passed; the timer never holds the process. */
async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
