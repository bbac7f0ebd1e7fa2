import { randomUUID } from 'node:crypto';
import { createClient } from '@keyv/redis';
import { afterAll, describe, expect, it } from 'vitest';
import { conversationKey } from '../core/conversation.js';
import { createStore } from './create-store.js';

/** Several instances of the bot sharing one real Redis: what must stay atomic across them. */

const REDIS_URL = 'redis://127.0.0.1:6379';
const RUN_ID = randomUUID();
const key = (thread: string) => conversationKey('discord', 'channel', thread);
const usage = (inputTokens: number, outputTokens: number, reasoningTokens: number) => ({
  inputTokens,
  outputTokens,
  reasoningTokens,
});

afterAll(async () => {
  const client = createClient({ url: REDIS_URL });
  await client.connect();
  for await (const keys of client.scanIterator({ MATCH: `tl-test-${RUN_ID}-*`, COUNT: 500 })) {
    if (keys.length > 0) await client.unlink(keys);
  }
  await client.close();
});

describe('store on redis, several instances', () => {
  const namespace = `tl-test-${RUN_ID}-multi`;
  const openMany = () =>
    Promise.all(
      Array.from({ length: 5 }, () => createStore({ kind: 'redis', url: REDIS_URL }, { namespace })),
    );

  it('grants exactly one claim across instances', async () => {
    const stores = await openMany();
    try {
      const claims = stores.flatMap((s) =>
        Array.from({ length: 10 }, () => s.dedupe.claim('evt-multi', 60_000)),
      );
      expect((await Promise.all(claims)).filter(Boolean)).toHaveLength(1);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('grants a conversation lease to exactly one of several instances', async () => {
    const stores = await openMany();
    try {
      const holds = stores.map((s, i) => s.leases.hold(key('multi-lease'), `owner-${i}`, 60_000));
      expect((await Promise.all(holds)).filter(Boolean)).toHaveLength(1);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('loses no usage recorded by several instances at once', async () => {
    const stores = await openMany();
    const day = new Date('2024-07-07T07:07:07Z');
    try {
      await Promise.all(
        stores.flatMap((s) =>
          Array.from({ length: 10 }, () => s.usage.record(key('m'), 'gina', usage(1, 1, 1), day)),
        ),
      );
      expect(await stores[0]?.usage.forUser('gina', day)).toEqual({ ...usage(50, 50, 50), runs: 50 });
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
