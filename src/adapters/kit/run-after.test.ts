import { describe, expect, it } from 'vitest';
import { runAfter } from './run-after.js';

describe('runAfter', () => {
  it('runs a wait of 0 in this turn of the event loop, after what is already queued, never synchronously', async () => {
    const order: string[] = [];
    runAfter(0, () => order.push('flush'));
    order.push('caller');
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['caller', 'flush']);
  });

  it('runs a longer wait after it, and each can be called off', async () => {
    const ran: string[] = [];
    runAfter(5, () => ran.push('later'));
    const cancelNow = runAfter(0, () => ran.push('called off'));
    const cancelLater = runAfter(5, () => ran.push('called off too'));
    cancelNow();
    cancelLater();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(ran).toEqual(['later']);
  });
});
