import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoScript, type FakeOpenAI, startFakeOpenAI } from '../../src/model-server/index.js';
import { runEntryPoint } from '../support/spawn.js';

let fake: FakeOpenAI;
let dir: string;

beforeAll(async () => {
  fake = await startFakeOpenAI({ script: demoScript });
  dir = mkdtempSync(join(tmpdir(), 'console-scripting-'));
});

afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run console, scripted', () => {
  it("answers every piped line in order, past the chat users' limits and budgets, and refuses none", async () => {
    // A chat user may send 10 a minute and spend 1 token a day. The rate limit counts per clock minute,
    // so 30 lines (more than two minutes' worth) hit it even when the run straddles a minute's end, and
    // the first answer spends the budgets. The operator's own terminal answers them all.
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
    const result = await runEntryPoint('console.ts', {
      env: {
        OPENAI_API_KEY: 'test-key',
        OPENAI_BASE_URL: fake.url,
        STORE_URL: `sqlite://${join(dir, 'scripted.sqlite')}`,
        RATE_LIMIT_PER_USER_PER_MIN: '10',
        DAILY_TOKEN_BUDGET_PER_USER: '1',
        DAILY_TOKEN_BUDGET_PER_CONVERSATION: '1',
        LOG_LEVEL: 'warn',
      },
      input: `${lines.join('\n')}\n`,
      cwd: dir,
      timeoutMs: 60_000,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(lines.map((line) => `You said: ${line}\n`).join(''));
  }, 60_000);
});
