import type { RESTOptions } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { pacedMakeRequest, SlidingWindow } from './wire-pace.js';

type MakeRequest = RESTOptions['makeRequest'];

/** Records when each request left, and answers at once. */
function recorder(): { send: MakeRequest; times: Map<string, number> } {
  const times = new Map<string, number>();
  const send: MakeRequest = async (url) => {
    times.set(url, performance.now());
    return new Response('{}') as unknown as Awaited<ReturnType<MakeRequest>>;
  };
  return { send, times };
}

describe('pacedMakeRequest', () => {
  it('lets at most the limit leave in any second, in the order they came, however bunched', async () => {
    const { send, times } = recorder();
    const paced = pacedMakeRequest(5, send);
    const urls = Array.from(
      { length: 8 },
      (_, i) => `https://discord.test/api/v10/channels/1/messages?n=${i}`,
    );
    const started = performance.now();
    await Promise.all(urls.map((url) => paced(url, { method: 'POST' })));
    const left = urls.map((url) => (times.get(url) ?? Number.NaN) - started);
    expect(left).toEqual([...left].sort((a, b) => a - b));
    // The sixth waits for the first's second to pass.
    expect(left.slice(0, 5).every((ms) => ms < 200)).toBe(true);
    expect(left[5]).toBeGreaterThanOrEqual(990);
  });

  it('never holds interaction replies and their webhooks (Discord does not count them)', async () => {
    const { send, times } = recorder();
    const paced = pacedMakeRequest(1, send);
    await paced('https://discord.test/api/v10/channels/1/messages', { method: 'POST' });
    const started = performance.now();
    await paced('https://discord.test/api/v10/interactions/9/token/callback', { method: 'POST' });
    await paced('https://discord.test/api/v10/webhooks/8/token/messages/@original', { method: 'PATCH' });
    expect(performance.now() - started).toBeLessThan(500);
    expect(times.size).toBe(3);
  });
});

describe('SlidingWindow', () => {
  it('gives a turn at once whenever the window has room, however close to the last one', async () => {
    let now = 0;
    const window = new SlidingWindow(3, 1000, () => now);
    const given: number[] = [];
    const ask = () => window.turn().then(() => given.push(now));
    await ask();
    now = 1;
    await ask();
    now = 2;
    await ask();
    // Full: the fourth waits for the first to leave the window (at 1000), then goes.
    now = 3;
    const fourth = ask();
    await Promise.resolve();
    expect(given).toEqual([0, 1, 2]);
    now = 1001;
    await fourth;
    expect(given).toEqual([0, 1, 2, 1001]);
  });
});
