import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src/configure.js';
import { runConsole } from '../../src/console.js';
import { demoScript, type FakeOpenAI, startFakeOpenAI } from '../../src/model-server/index.js';
import { runEntryPoint } from '../support/spawn.js';

let fake: FakeOpenAI;
let dir: string;

beforeAll(async () => {
  fake = await startFakeOpenAI({ script: demoScript, pollAfterMs: 10 });
  dir = mkdtempSync(join(tmpdir(), 'console-'));
});

afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

function env(name: string, backend?: 'assistants' | 'responses'): Record<string, string> {
  return {
    OPENAI_API_KEY: 'test-key',
    OPENAI_BASE_URL: fake.url,
    ...(backend ? { ASSISTANT_BACKEND: backend } : {}),
    STORE_URL: `sqlite://${join(dir, `${name}.sqlite`)}`,
    CONSOLE_OUTPUT_DIR: join(dir, `${name}-output`),
    LOG_LEVEL: 'warn',
  };
}

async function chat(name: string, lines: string, backend: 'assistants' | 'responses'): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let written = '';
  output.on('data', (chunk: Buffer) => {
    written += chunk.toString();
  });
  const done = runConsole(configFromEnv(env(`${name}-${backend}`, backend)), name, {
    input,
    output,
    errors: new PassThrough(),
  });
  input.end(lines);
  await done;
  return written;
}

describe.each(['responses', 'assistants'] as const)('console adapter on the %s backend', (backend) => {
  it('answers each piped line in order, saving the chart and showing the function call', async () => {
    const out = await chat('three', 'hello\nplot y=x^2\nwhat time is it in Tokyo?\n', backend);
    const hello = out.indexOf('You said: hello');
    const image = /\[image\] (.+\.png)\n/.exec(out);
    const time = out.indexOf('[function] current_time({"timezone":"Asia/Tokyo"})');
    expect(hello).toBeGreaterThanOrEqual(0);
    expect(image?.index).toBeGreaterThan(hello);
    expect(time).toBeGreaterThan(image?.index ?? Number.POSITIVE_INFINITY);
    expect(out).toContain('```python\n');
    expect(out).toMatch(/It is \w+ \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00 in Asia\/Tokyo\./);
    const png = readFileSync(image?.[1] ?? '');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });

  it('starts a new conversation on /reset', async () => {
    const out = await chat('reset', 'one\n/reset\ntwo\n', backend);
    expect(out).toBe('You said: one\n[notice] Started a new conversation.\nYou said: two\n');
    const live =
      backend === 'assistants'
        ? fake.threads().filter((t) => t.metadata?.threadloom_conversation === `console:reset`)
        : fake.conversations().filter((c) => c.metadata?.threadloom_conversation === `console:reset`);
    expect(live).toHaveLength(1);
  });
});

describe('npm run console, as a process', () => {
  it('reads stdin to the end, answers every line through the default Responses backend and exits 0', async () => {
    const result = await runEntryPoint('console.ts', {
      env: env('process'),
      input: 'hello\nplot y=x^2\nwhat time is it in Tokyo?\n',
      cwd: dir,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('You said: hello');
    expect(result.stdout).toMatch(/\[image\] .*chart\.png/);
    expect(result.stdout).toContain('Asia/Tokyo');
  });

  it('stops with exit code 1 and lists every bad variable, without printing the secret', async () => {
    const result = await runEntryPoint('console.ts', {
      env: {
        OPENAI_API_KEY: 'sk-very-secret',
        RUN_TIMEOUT_MS: 'soon',
        STORE_URL: 'mysql://db',
        LOG_LEVEL: 'loud',
      },
      cwd: dir,
    });
    expect(result.code).toBe(1);
    for (const name of ['RUN_TIMEOUT_MS', 'STORE_URL', 'LOG_LEVEL']) expect(result.stderr).toContain(name);
    expect(result.stderr).not.toContain('sk-very-secret');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('npm start', () => {
  it('with an empty environment says which variables to set, and exits 1', async () => {
    const result = await runEntryPoint('main.ts', { env: {}, cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('OPENAI_API_KEY');
    expect(result.stderr).toContain('DISCORD_TOKEN');
    expect(result.stderr).toContain('SLACK_BOT_TOKEN');
    expect(result.stderr).toContain('npm run console');
    expect(result.stdout).toBe('');
  });

  it('with a key but no platform says how to configure one', async () => {
    const result = await runEntryPoint('main.ts', { env: { OPENAI_API_KEY: 'k' }, cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/No chat platform is configured/);
  });
});
