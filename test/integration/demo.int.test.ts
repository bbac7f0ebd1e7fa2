import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEntryPoint } from '../support/spawn.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'demo-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run demo', () => {
  it('starts a clean conversation every time, with no warning about the last one', async () => {
    // Run twice in one folder: the second run must not find the first one's conversation, which
    // lived in the first run's in-process model server and ended with it.
    for (const run of ['first', 'second']) {
      const result = await runEntryPoint('demo.ts', { env: {}, input: `hello ${run}\n`, cwd: dir });
      expect(result.stderr, run).toBe('');
      expect(result.code, run).toBe(0);
      expect(result.stdout, run).toBe(`You said: hello ${run}\n`);
    }
    // Nothing is left behind but what the user asked for (charts go to ./output).
    expect(readdirSync(dir).filter((name) => name !== 'output')).toEqual([]);
  });
});
