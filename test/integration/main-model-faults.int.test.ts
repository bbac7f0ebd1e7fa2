import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USER_MESSAGES } from '../../src/core/errors.js';
import { type FakeOpenAI, startFakeOpenAI, text } from '../../src/model-server/index.js';
import {
  appMention,
  eventCallback,
  FAKE_TEAM,
  FakeSlack,
  MENTION,
  SlackSender,
} from '../fakes/slack/index.js';
import { freePort } from '../support/free-port.js';
import { startEntryPoint } from '../support/spawn.js';
import { untilStatus } from '../support/until-status.js';

/**
 * `npm start` with an API key the model service refuses: the fault is the operator's, so users get
 * one short line, the log says what to fix, /readyz fails and the metric counts it, until a run
 * succeeds again.
 */

const GOOD_KEY = 'sk-proj-the-key-the-service-knows';
const BAD_KEY = 'sk-proj-a-revoked-key-0123456789';

let openai: FakeOpenAI;
let slack: FakeSlack;
let dir: string;

beforeAll(async () => {
  openai = await startFakeOpenAI({ script: () => [text('Paris.')], apiKey: GOOD_KEY });
  slack = await FakeSlack.start();
  dir = mkdtempSync(join(tmpdir(), 'main-faults-'));
});

afterAll(async () => {
  await slack.close();
  await openai.close();
  rmSync(dir, { recursive: true, force: true });
});

const FAULT_METRIC =
  /threadloom_model_service_errors_total\{backend="responses",code="model_service_misconfigured"\} 1\b/;

describe('npm start with an API key the model service refuses', () => {
  it('tells users it is misconfigured, logs what to fix, fails /readyz and counts it, and recovers', async () => {
    const port = await freePort();
    const bot = startEntryPoint('main.ts', {
      cwd: dir,
      env: {
        OPENAI_API_KEY: BAD_KEY,
        OPENAI_BASE_URL: openai.url,
        SLACK_BOT_TOKEN: FAKE_TEAM.botToken,
        SLACK_SIGNING_SECRET: FAKE_TEAM.signingSecret,
        SLACK_API_URL: slack.apiUrl,
        PORT: String(port),
        STORE_URL: `sqlite://${join(dir, 'bot.sqlite')}`,
        LOG_LEVEL: 'info',
      },
    });
    const base = `http://127.0.0.1:${port}`;
    const sender = new SlackSender(`${base}/slack/events`, FAKE_TEAM.signingSecret);
    const ask = async (question: string, expected: string) => {
      const mention = appMention({ text: `${MENTION} ${question}` });
      expect((await sender.event(eventCallback(mention))).status).toBe(200);
      const where = [String(mention.channel), String(mention.ts)] as const;
      await slack.waitFor(
        () => slack.botMessages(...where).some((m) => JSON.stringify(m).includes(expected)),
        {
          timeoutMs: 15_000,
          what: `"${expected}" in the thread`,
        },
      );
      return slack.botMessages(...where).map((m) => m.text ?? '');
    };
    try {
      // Nothing is known of the service before the first call: ready.
      expect(JSON.parse(await untilStatus(`${base}/readyz`, 200))).toEqual({ ready: true, failing: [] });

      const replies = await ask('capital of France?', 'misconfigured');
      expect(replies.filter((t) => t.includes(USER_MESSAGES.model_service_misconfigured))).toHaveLength(1);
      expect(replies.join('\n')).not.toMatch(/401|API key|OPENAI/);

      const readiness = await untilStatus(`${base}/readyz`, 503);
      expect(JSON.parse(readiness)).toEqual({ ready: false, failing: ['model_service'] });
      await untilStatus(`${base}/metrics`, 200, { bodyOk: (body) => FAULT_METRIC.test(body) });
      const logged = bot
        .output()
        .stderr.trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { level: number; msg: string; code?: string });
      expect(logged).toContainEqual(
        expect.objectContaining({
          level: 50,
          code: 'model_service_misconfigured',
          msg: expect.stringMatching(/refused the API key \(401 invalid_api_key\): check OPENAI_API_KEY/),
        }),
      );

      // The key's project is enabled again: the next answer goes through and /readyz recovers.
      openai.apiKey = BAD_KEY;
      await ask('and of Italy?', 'Paris.');
      expect(JSON.parse(await untilStatus(`${base}/readyz`, 200))).toEqual({ ready: true, failing: [] });
    } finally {
      bot.signal('SIGTERM');
    }
    const finished = await bot.exited;
    expect(finished.code).toBe(0);
    expect(finished.stderr).not.toContain(BAD_KEY);
  });
});
