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
});
