import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_TYPING_REFRESH_MS, TypingIndicator } from './typing.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('TypingIndicator', () => {
  it('refreshes before Discord’s 10 s indicator runs out', () => {
    expect(DEFAULT_TYPING_REFRESH_MS).toBeLessThan(10_000);
  });

  it('types at once, then every refresh period, until stopped', async () => {
    let sent = 0;
    const typing = new TypingIndicator(async () => {
      sent += 1;
    }, 8000);
    typing.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toBe(1);
    await vi.advanceTimersByTimeAsync(24_000);
    expect(sent).toBe(4);
    await typing.stop();
    await vi.advanceTimersByTimeAsync(24_000);
    expect(sent).toBe(4);
  });

  it('sends nothing that was still waiting for its turn when stopped, and shrugs off failures', async () => {
    const sent: boolean[] = [];
    const typing = new TypingIndicator(async (stillWanted) => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      sent.push(stillWanted());
      throw new Error('typing failed');
    }, 8000);
    typing.start();
    const stopped = typing.stop();
    await vi.advanceTimersByTimeAsync(200);
    await stopped;
    expect(sent).toEqual([false]);
  });
});
