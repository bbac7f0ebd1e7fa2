import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI, text } from '../../src/model-server/index.js';
import { startEntryPoint } from '../support/spawn.js';

/**
 * The model service failing for a while, seen by the console as a real process: the production
 * OpenAI client (its retry settings are the ones `npm start` uses), not a test harness's.
 */
let fake: FakeOpenAI;
let dir: string;

beforeAll(async () => {
  fake = await startFakeOpenAI({ pollAfterMs: 10 });
  dir = mkdtempSync(join(tmpdir(), 'openai-faults-'));
});

afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

const RESPONSES = /^\/responses$/;

describe('OpenAI failing for a while', () => {
  it('waits out a 429 for its Retry-After, retries a 503 and a 500, and the next message works', async () => {
    fake.setScript(({ text: said }) => [text(`You said: ${said}`)]);
    // The first answer meets all three, one after another: three retries, the client's default.
    fake.failNext('POST', RESPONSES, 503);
    fake.failNext('POST', RESPONSES, 429, undefined, { 'retry-after': '2' });
    fake.failNext('POST', RESPONSES, 500);
    const attempts = () => fake.requests.filter((r) => r.method === 'POST' && RESPONSES.test(r.path));

    const bot = startEntryPoint('console.ts', {
      env: {
        OPENAI_API_KEY: 'test-key',
        OPENAI_BASE_URL: fake.url,
        STORE_URL: `sqlite://${join(dir, 'store.sqlite')}`,
        CONSOLE_OUTPUT_DIR: join(dir, 'output'),
        LOG_LEVEL: 'warn',
      },
      input: 'first question\nsecond question\n',
      cwd: dir,
    });
    await fake.waitFor(() => attempts().length >= 2, { timeoutMs: 20_000, what: 'the 429' });
    const limitedAt = Date.now();
    await fake.waitFor(() => attempts().length >= 3, { timeoutMs: 10_000, what: 'the retry after the 429' });
    const waited = Date.now() - limitedAt;

    const result = await bot.exited;
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('You said: first question\nYou said: second question\n');
    expect(result.stderr).toBe('');
    expect(fake.pendingFaults).toBe(0);
    // Retry-After: 2 (seconds) was honoured: the SDK's own first backoff is at most 0.5 s.
    expect(waited).toBeGreaterThanOrEqual(1900);
    // Four attempts for the first answer (3 failed), one for the second in the same conversation.
    expect(attempts()).toHaveLength(5);
    const conversations = new Set(
      attempts().map((r) => (r.json as { conversation?: unknown } | undefined)?.conversation),
    );
    expect([...conversations]).toEqual([expect.stringMatching(/^conv_/)]);
  }, 40_000);
});
