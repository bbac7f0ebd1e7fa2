import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI, text } from '../../src/model-server/index.js';
import { freePort } from '../support/free-port.js';
import { startEntryPoint } from '../support/spawn.js';
import { untilStatus } from '../support/until-status.js';
import { PageTranscript, WebClient } from '../support/web-client.js';

/** `npm start` with the web chat alone: a real process, configured by its environment only. */

const TOKEN = 'carol-token-0123456789abcdef';
let openai: FakeOpenAI;
let dir: string;

beforeAll(async () => {
  openai = await startFakeOpenAI({ script: ({ text: said }) => [text(`You asked: ${said}`)] });
  dir = mkdtempSync(join(tmpdir(), 'web-main-'));
});

afterAll(async () => {
  await openai.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm start with WEB_ENABLED', () => {
  it('serves the page and its API on PORT beside the operations endpoints, and answers over SSE', async () => {
    const port = await freePort();
    const bot = startEntryPoint('main.ts', {
      cwd: dir,
      env: {
        OPENAI_API_KEY: 'test-key',
        OPENAI_BASE_URL: openai.url,
        WEB_ENABLED: 'true',
        WEB_BASE_PATH: '/assistant',
        WEB_AUTH: 'token',
        WEB_TOKENS: `carol:${TOKEN}`,
        PORT: String(port),
        STORE_URL: `sqlite://${join(dir, 'bot.sqlite')}`,
        LOG_LEVEL: 'info',
      },
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      expect(JSON.parse(await untilStatus(`${base}/readyz`, 200))).toEqual({ ready: true, failing: [] });
      const page = await fetch(`${base}/assistant/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toMatch(
        /^default-src 'none'; script-src 'self' 'sha256-/,
      );
      expect(await page.text()).toContain('<script type="module" src="/assistant/assets/app.js">');
      expect((await fetch(`${base}/assistant/assets/vendor/purify.js`)).status).toBe(200);
      expect((await fetch(`${base}/assistant/api/conversations`)).status).toBe(401);

      const client = new WebClient(() => `${base}/assistant`, { authorization: `Bearer ${TOKEN}` });
      const id = await client.createConversation();
      const transcript = new PageTranscript();
      let done: () => void = () => undefined;
      const answered = new Promise<void>((resolve) => {
        done = resolve;
      });
      const stream = await client.follow(id, 0, (event, position) => {
        transcript.apply(event, position);
        if (event.type === 'running' && !event.running) done();
      });
      expect((await client.send(id, 'm1', 'what is the capital of France?')).outcome).toBe('started');
      await answered;
      stream.close();
      expect(transcript.shown()).toEqual([
        { kind: 'answer', text: 'You asked: what is the capital of France?' },
      ]);
      expect(transcript.problems).toEqual([]);
      const list = await client.ok('GET', 'conversations');
      expect(list.conversations).toMatchObject([{ id, title: 'what is the capital of France?' }]);
    } finally {
      bot.signal('SIGTERM');
    }
    const exit = await bot.exited;
    expect(exit.code).toBe(0);
    expect(exit.stderr).not.toContain(TOKEN);
  });
});
