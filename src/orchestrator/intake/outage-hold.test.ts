import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logger.js';
import { StoreUnavailableError } from '../../store/store-failures.js';
import { OutageHold, type OutageHoldOptions } from './outage-hold.js';

/** A store that is up or down, as `ping` and the takes see it; `lookedAt` settles at the first ping. */
function switchableStore() {
  let lookedAt: () => void = () => undefined;
  const store = {
    up: true,
    /** The hold pings once it holds a message: from then on, it is waiting for the store. */
    lookedAt: new Promise<void>((resolve) => {
      lookedAt = resolve;
    }),
    ping: async () => {
      lookedAt();
      return store.up;
    },
    /** A take that needs the store: fails as an unreachable store does while it is down. */
    need: async () => {
      if (!store.up) throw new StoreUnavailableError('store get failed', 'no');
    },
  };
  return store;
}

const holdOn = (store: ReturnType<typeof switchableStore>, options: Partial<OutageHoldOptions> = {}) =>
  new OutageHold({
    holdMs: 60_000,
    maxPerConversation: 5,
    ping: store.ping,
    logger: silentLogger(),
    watch: { firstMs: 1, maxMs: 5 },
    ...options,
  });

/** A promise and its resolve, to wait on something a take does. */
function signal<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('OutageHold', () => {
  it("takes one conversation's messages in the order they arrived, each after the one before", async () => {
    const hold = holdOn(switchableStore());
    const gate = signal();
    const taken: string[] = [];
    const first = hold.run(
      'c',
      Date.now(),
      async () => {
        await gate.promise;
        taken.push('first');
      },
      async () => undefined,
    );
    const second = hold.run(
      'c',
      Date.now(),
      async () => void taken.push('second'),
      async () => undefined,
    );
    const elsewhere = hold.run(
      'd',
      Date.now(),
      async () => void taken.push('elsewhere'),
      async () => undefined,
    );
    await elsewhere;
    expect(taken).toEqual(['elsewhere']);
    gate.resolve();
    await Promise.all([first, second]);
    expect(taken).toEqual(['elsewhere', 'first', 'second']);
  });

  it('holds messages while the store is unreachable and takes them, in order and with the same holder, once it is back', async () => {
    const store = switchableStore();
    const hold = holdOn(store);
    store.up = false;
    const holders: string[] = [];
    const taken: string[] = [];
    const first = hold.run(
      'c',
      Date.now(),
      async (holder) => {
        holders.push(holder);
        await store.need();
        taken.push('first');
        return 'started';
      },
      async () => 'refused',
    );
    const second = hold.run(
      'c',
      Date.now(),
      async () => {
        await store.need();
        taken.push('second');
        return 'queued';
      },
      async () => 'refused',
    );
    await store.lookedAt;
    expect(taken).toEqual([]);
    store.up = true;
    expect(await Promise.all([first, second])).toEqual(['started', 'queued']);
    expect(taken).toEqual(['first', 'second']);
    expect(new Set(holders).size).toBe(1);
    expect(holders.length).toBeGreaterThan(1);
  });

  it('refuses a message the store does not come back for within holdMs', async () => {
    const store = switchableStore();
    const hold = holdOn(store, { holdMs: 30 });
    store.up = false;
    const outcome = await hold.run(
      'c',
      Date.now(),
      async () => {
        await store.need();
        return 'started';
      },
      async () => 'not_taken',
    );
    expect(outcome).toBe('not_taken');
  });

  it('refuses at once a message past the limit of a conversation that is holding, and takes the others later', async () => {
    const store = switchableStore();
    const hold = holdOn(store, { maxPerConversation: 2 });
    store.up = false;
    const take = (name: string) => async () => {
      await store.need();
      return name;
    };
    const first = hold.run('c', Date.now(), take('first'), async () => 'refused first');
    const second = hold.run('c', Date.now(), take('second'), async () => 'refused second');
    await store.lookedAt;
    expect(await hold.run('c', Date.now(), take('third'), async () => 'refused third')).toBe('refused third');
    store.up = true;
    expect(await Promise.all([first, second])).toEqual(['first', 'second']);
  });

  it('passes other errors on, and goes on with the next message', async () => {
    const hold = holdOn(switchableStore());
    const broken = hold.run(
      'c',
      Date.now(),
      async () => {
        throw new RangeError('bad input');
      },
      async () => 'refused',
    );
    const next = hold.run(
      'c',
      Date.now(),
      async () => 'taken',
      async () => 'refused',
    );
    await expect(broken).rejects.toBeInstanceOf(RangeError);
    expect(await next).toBe('taken');
  });

  it('refuses every held message at once when stopped', async () => {
    const store = switchableStore();
    const hold = holdOn(store);
    store.up = false;
    const held = hold.run(
      'c',
      Date.now(),
      async () => {
        await store.need();
        return 'taken';
      },
      async () => 'refused',
    );
    await store.lookedAt;
    hold.stop();
    expect(await held).toBe('refused');
  });
});
