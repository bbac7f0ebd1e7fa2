import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateBudget } from './rate-budget.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

async function grantedWithin(budget: RateBudget, calls: number, ms: number): Promise<number> {
  let granted = 0;
  for (let i = 0; i < calls; i++) void budget.acquire().then(() => granted++);
  await vi.advanceTimersByTimeAsync(ms);
  return granted;
}

describe('RateBudget', () => {
  it('lets a burst through at once, then the sustained rate', async () => {
    const budget = new RateBudget({ perSecond: 10, burst: 5 });
    expect(await grantedWithin(budget, 30, 0)).toBe(5);
    // 5 more per half second at 10/s.
    expect(await grantedWithin(budget, 0, 500)).toBe(0);
    expect(budget.waiting).toBe(20);
  });

  it('grants in the order callers asked', async () => {
    const budget = new RateBudget({ perSecond: 100, burst: 1 });
    const order: number[] = [];
    const all = [1, 2, 3, 4].map((n) => budget.acquire().then(() => order.push(n)));
    await vi.advanceTimersByTimeAsync(100);
    await Promise.all(all);
    expect(order).toEqual([1, 2, 3, 4]);
  });

  it('grants nothing while paused by a 429, then resumes', async () => {
    const budget = new RateBudget({ perSecond: 100, burst: 10 });
    budget.pauseFor(1000);
    let granted = 0;
    void budget.acquire().then(() => granted++);
    await vi.advanceTimersByTimeAsync(990);
    expect(granted).toBe(0);
    await vi.advanceTimersByTimeAsync(30);
    expect(granted).toBe(1);
  });

  it('keeps 200 callers inside the rate over time', async () => {
    const budget = new RateBudget({ perSecond: 50, burst: 10 });
    let granted = 0;
    for (let i = 0; i < 200; i++) void budget.acquire().then(() => granted++);
    await vi.advanceTimersByTimeAsync(2000);
    // 10 at once, then 50 a second.
    expect(granted).toBeGreaterThanOrEqual(105);
    expect(granted).toBeLessThanOrEqual(111);
    await vi.advanceTimersByTimeAsync(2000);
    expect(granted).toBe(200);
  });

  it('serves final text first, then first text, then updates, however they queued', async () => {
    const budget = new RateBudget({ perSecond: 10, burst: 1 });
    await budget.acquire();
    const order: string[] = [];
    const calls = [
      budget.acquire('update').then(() => order.push('update 1')),
      budget.acquire('update').then(() => order.push('update 2')),
      budget.acquire('first').then(() => order.push('first')),
      budget.acquire('final').then(() => order.push('final')),
    ];
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all(calls);
    expect(order).toEqual(['final', 'first', 'update 1', 'update 2']);
  });

  it('serves decorations in the background lane only when nothing else waits', async () => {
    const budget = new RateBudget({ perSecond: 10, burst: 1 });
    await budget.acquire();
    const order: string[] = [];
    const calls = [
      budget.acquire('background').then(() => order.push('typing')),
      budget.acquire('update').then(() => order.push('update')),
      budget.acquire('final').then(() => order.push('final')),
    ];
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all(calls);
    expect(order).toEqual(['final', 'update', 'typing']);
  });

  it('lets a caller leave the queue: an aborted wait takes no turn', async () => {
    const budget = new RateBudget({ perSecond: 10, burst: 1 });
    await budget.acquire();
    const controller = new AbortController();
    const left = budget.acquire('update', { signal: controller.signal });
    const after = budget.acquire('update');
    controller.abort(new Error('not needed'));
    await expect(left).rejects.toThrow('not needed');
    let granted = false;
    void after.then(() => {
      granted = true;
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(granted).toBe(true);
    expect(budget.waiting).toBe(0);
  });

  it('tries without queueing, keeping turns in reserve for promised calls', () => {
    const budget = new RateBudget({ perSecond: 0.3, burst: 3 });
    // Three turns: one for this start, and one kept for each of two streams that will need a stop.
    expect(budget.tryAcquire('first', { reserve: 2 })).toBe(true);
    expect(budget.tryAcquire('first', { reserve: 2 })).toBe(false);
    expect(budget.tryAcquire('first', { reserve: 1 })).toBe(true);
    expect(budget.tryAcquire('first')).toBe(true);
    expect(budget.tryAcquire('first')).toBe(false);
    expect(budget.waiting).toBe(0);
  });

  it('says how long a call in each lane would wait now', async () => {
    const budget = new RateBudget({ perSecond: 10, burst: 1 });
    expect(budget.waitMs('update')).toBe(0);
    await budget.acquire();
    void budget.acquire('update');
    void budget.acquire('update');
    // Two updates ahead and no token: the third update waits about three turns, a final about one.
    expect(budget.waitMs('update')).toBeCloseTo(300, -1);
    expect(budget.waitMs('final')).toBeCloseTo(100, -1);
  });

  it('tells a caller over its fair share that it waits behind everyone, and keeps count as the queue changes', async () => {
    const budget = new RateBudget({ perSecond: 10, burst: 1 });
    const flood = { user: 'flood', channel: 'c1' };
    // The flooder took many turns lately; two others now wait with updates.
    for (let i = 0; i < 8; i++)
      await vi.advanceTimersByTimeAsync(100).then(() => budget.acquire('first', { share: flood }));
    void budget.acquire('update', { share: { user: 'a', channel: 'c2' } });
    void budget.acquire('update', { share: { user: 'b', channel: 'c3' } });
    // A final text of the flooder's waits behind both updates; another person's final goes first.
    expect(budget.waitMs('final', flood)).toBeCloseTo(300, -1);
    expect(budget.waitMs('final', { user: 'c', channel: 'c4' })).toBeCloseTo(100, -1);
    // One update granted: one fewer ahead of everyone.
    await vi.advanceTimersByTimeAsync(100);
    expect(budget.waiting).toBe(1);
    expect(budget.waitMs('final', flood)).toBeCloseTo(200, -1);
  });

  it('serves a user who floods it after the others, whatever lanes the flood is in', async () => {
    const budget = new RateBudget({ perSecond: 10, burst: 1 });
    await budget.acquire();
    const order: string[] = [];
    const flood = Array.from({ length: 10 }, (_, i) =>
      budget
        .acquire('final', { share: { user: 'flood', channel: 'C1' } })
        .then(() => order.push(`flood ${i}`)),
    );
    await vi.advanceTimersByTimeAsync(450);
    const other = budget
      .acquire('first', { share: { user: 'other', channel: 'C1' } })
      .then(() => order.push('other'));
    await vi.advanceTimersByTimeAsync(2000);
    await Promise.all([...flood, other]);
    // The other user's first text goes at the next turn, not after the flood's remaining finals.
    expect(order.indexOf('other')).toBeLessThanOrEqual(5);
  });

  it('keeps strict lanes among one person’s answers', async () => {
    const budget = new RateBudget({ perSecond: 10, burst: 1 });
    await budget.acquire();
    const order: string[] = [];
    const share = { user: 'alice', channel: 'C1' };
    const calls = [
      ...Array.from({ length: 5 }, (_, i) =>
        budget.acquire('update', { share }).then(() => order.push(`update ${i}`)),
      ),
      budget.acquire('final', { share }).then(() => order.push('final')),
    ];
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all(calls);
    expect(order[0]).toBe('final');
  });

  it('counts the callers that had to wait, by lane', async () => {
    const waits: string[] = [];
    const budget = new RateBudget({ perSecond: 10, burst: 1 }, Date.now, {
      name: 'test',
      waited: (lane) => waits.push(lane),
    });
    await budget.acquire('first');
    const waiting = budget.acquire('final');
    await vi.advanceTimersByTimeAsync(200);
    await waiting;
    expect(waits).toEqual(['final']);
  });
});
