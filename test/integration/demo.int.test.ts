import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEntryPoint, startEntryPoint } from '../support/spawn.js';
import { PageTranscript, WebClient } from '../support/web-client.js';

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
      expect(result.stderr, run).toMatch(
        /^threadloom demo: the web chat is at http:\/\/127\.0\.0\.1:\d+\/chat\/\n$/,
      );
      expect(result.code, run).toBe(0);
      expect(result.stdout, run).toBe(`You said: hello ${run}\n`);
    }
    // Nothing is left behind but what the user asked for (charts go to ./output).
    expect(readdirSync(dir).filter((name) => name !== 'output')).toEqual([]);
    // Two processes started one after the other: on a loaded machine each start takes seconds.
  }, 60_000);

  it('serves the web chat on 127.0.0.1 against the demo model while the console runs', async () => {
    const demo = startEntryPoint('demo.ts', { env: {}, cwd: dir, keepInputOpen: true });
    try {
      const url = (await demo.untilError(/the web chat is at (\S+)/))[1] ?? '';
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/chat\/$/);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>threadloom</title>');
      // Loopback mode: this machine is let in without a token.
      const client = new WebClient(() => url.replace(/\/$/, ''), {});
      const id = await client.createConversation();
      const transcript = new PageTranscript();
      const answered = new Promise<void>((resolve) => {
        void client.follow(id, 0, (event, position) => {
          transcript.apply(event, position);
          if (event.type === 'running' && !event.running) resolve();
        });
      });
      await client.send(id, 'first', 'hello from the page');
      await answered;
      expect(transcript.shown()).toEqual([{ kind: 'answer', text: 'You said: hello from the page' }]);
    } finally {
      demo.endInput();
    }
    expect((await demo.exited).code).toBe(0);
  });
});
