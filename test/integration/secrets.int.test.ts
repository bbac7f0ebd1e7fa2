import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI, text } from '../../src/model-server/index.js';
import { FakeDiscord } from '../fakes/discord/index.js';
import {
  appMention,
  eventCallback,
  FAKE_TEAM,
  FakeSlack,
  MENTION,
  SlackSender,
} from '../fakes/slack/index.js';
import { freePort } from '../support/free-port.js';
import { type Finished, runEntryPoint, startEntryPoint } from '../support/spawn.js';
import { untilStatus } from '../support/until-status.js';

/**
 * No secret ever leaves the process except to the service it belongs to: the bot runs as real
 * processes (`npm start`, the console) at LOG_LEVEL=trace with distinctive secrets, through answers,
 * model-service failures whose error bodies echo the key, and a bad configuration; then every log
 * line, everything written to standard output, every message posted and every call made to the fake
 * platforms is scanned for every secret.
 */

const SECRETS = {
  OPENAI_API_KEY: 'sk-proj-SECRETopenaiKEY-3f9a1c7e5b',
  DISCORD_TOKEN: 'MTIzNDU2Nzg5MDEyMzQ1Njc4.SECRETdc.discordTOKEN-8b2d4f',
  // The fake Slack knows its team's tokens; they are as distinctive.
  SLACK_BOT_TOKEN: FAKE_TEAM.botToken,
  SLACK_SIGNING_SECRET: FAKE_TEAM.signingSecret,
  SLACK_APP_TOKEN: FAKE_TEAM.appToken,
} as const;

/** Each secret, and its part after a well-known prefix (`sk-proj-`, `xoxb-`): a partial leak counts. */
const NEEDLES = Object.entries(SECRETS).flatMap(([name, value]) => [
  { name, value },
  { name: `${name} (without its prefix)`, value: value.replace(/^(sk-proj-|xox[bp]-|xapp-)/, '') },
]);

/** The secrets found in `haystack`, by name. */
function leaks(haystack: string): string[] {
  return NEEDLES.filter((n) => haystack.includes(n.value)).map((n) => n.name);
}

/** What OpenAI-compatible servers answer to a bad key: the key itself in the message. */
const ECHOING_401 = {
  error: {
    message: `Incorrect API key provided: ${SECRETS.OPENAI_API_KEY}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    type: 'invalid_request_error',
    param: null,
    code: 'invalid_api_key',
  },
};
const RESPONSES = /^\/responses$/;

let openai: FakeOpenAI;
let slack: FakeSlack;
let discord: FakeDiscord;
let dir: string;

beforeAll(async () => {
  openai = await startFakeOpenAI({ apiKey: SECRETS.OPENAI_API_KEY, script: () => [text('Paris.')] });
  slack = await FakeSlack.start();
  discord = await FakeDiscord.start({ token: SECRETS.DISCORD_TOKEN });
  dir = mkdtempSync(join(tmpdir(), 'secrets-'));
});

afterAll(async () => {
  await slack.close();
  await discord.close();
  await openai.close();
  rmSync(dir, { recursive: true, force: true });
});

function env(name: string, extra: Record<string, string>): Record<string, string> {
  return {
    OPENAI_API_KEY: SECRETS.OPENAI_API_KEY,
    OPENAI_BASE_URL: openai.url,
    STORE_URL: `sqlite://${join(dir, `${name}.sqlite`)}`,
    CONSOLE_OUTPUT_DIR: join(dir, `${name}-output`),
    LOG_LEVEL: 'trace',
    ...extra,
  };
}

/** Everything a process wrote. */
const outputOf = (finished: Finished) => `${finished.stdout}\n${finished.stderr}`;

/** Everything the bot sent to the fake platforms, and everything they show. */
function platformTraffic(): string {
  return JSON.stringify({
    discordCalls: discord.calls.map((c) => ({ path: c.path, query: c.query, json: c.json })),
    discordMessages: [...discord.world.messages.values()].map((m) => m.content),
    discordCommands: [...discord.world.commands.values()],
    slackCalls: slack.calls.map((c) => ({ method: c.method, args: c.args })),
    slackMessages: slack.state.messages,
    slackResponses: slack.responses,
  });
}

/** Everything the bot sent to the model service, but for the Authorization header the key belongs in. */
function modelTraffic(): string {
  return JSON.stringify(openai.requests.map((r) => ({ path: r.path, query: r.query, json: r.json })));
}

describe('secrets never leak', () => {
  it('npm start with Discord and Slack (HTTP mode): answers and model failures leak nothing', async () => {
    const port = await freePort();
    const bot = startEntryPoint('main.ts', {
      cwd: dir,
      env: env('http', {
        DISCORD_TOKEN: SECRETS.DISCORD_TOKEN,
        DISCORD_API_URL: discord.apiUrl,
        SLACK_BOT_TOKEN: SECRETS.SLACK_BOT_TOKEN,
        SLACK_SIGNING_SECRET: SECRETS.SLACK_SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        PORT: String(port),
      }),
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      await untilStatus(`${base}/readyz`, 200);
      const sender = new SlackSender(`${base}/slack/events`, SECRETS.SLACK_SIGNING_SECRET);

      // An answer on each platform.
      const mention = appMention({ text: `${MENTION} capital of France?` });
      expect((await sender.event(eventCallback(mention))).status).toBe(200);
      await slack.waitFor(
        () =>
          JSON.stringify(slack.botMessages(String(mention.channel), String(mention.ts))).includes('Paris.'),
        { timeoutMs: 15_000, what: 'the Slack answer' },
      );
      const { general, bob } = discord.directory;
      const question = discord.sendMessage({
        channelId: general,
        authorId: bob,
        content: 'capital?',
        mention: true,
      });
      await discord.waitFor(
        () => discord.botMessages(question.id).some((m) => m.content.includes('Paris.')),
        {
          timeoutMs: 15_000,
          what: 'the Discord answer',
        },
      );

      // The model service refuses the key and echoes it, once on each platform: users are told the
      // assistant is misconfigured (the operator's fault), never the service's text.
      openai.failNext('POST', RESPONSES, 401, ECHOING_401);
      const failing = appMention({ text: `${MENTION} again?` });
      expect((await sender.event(eventCallback(failing))).status).toBe(200);
      await slack.waitFor(
        () =>
          JSON.stringify(slack.botMessages(String(failing.channel), String(failing.ts))).includes(
            'misconfigured',
          ),
        { timeoutMs: 15_000, what: 'the Slack error notice' },
      );
      openai.failNext('POST', RESPONSES, 401, ECHOING_401);
      const failed = discord.sendMessage({
        channelId: general,
        authorId: bob,
        content: 'again?',
        mention: true,
      });
      await discord.waitFor(
        () => discord.botMessages(failed.id).some((m) => m.content.includes('misconfigured')),
        { timeoutMs: 15_000, what: 'the Discord error notice' },
      );
      // A forged Slack request is refused (and perhaps logged).
      const forged = new SlackSender(`${base}/slack/events`, 'not-the-signing-secret');
      expect((await forged.event(eventCallback(appMention({ text: `${MENTION} hi` })))).status).toBe(401);
    } finally {
      bot.signal('SIGTERM');
    }
    const finished = await bot.exited;
    expect(finished.code).toBe(0);
    expect(finished.stderr).toContain('Incorrect API key provided');
    expect(leaks(outputOf(finished))).toEqual([]);
    expect(leaks(platformTraffic())).toEqual([]);
    expect(leaks(modelTraffic())).toEqual([]);
  }, 60_000);

  it('npm start with Slack in Socket Mode leaks nothing', async () => {
    const port = await freePort();
    const bot = startEntryPoint('main.ts', {
      cwd: dir,
      env: env('socket', {
        SLACK_BOT_TOKEN: SECRETS.SLACK_BOT_TOKEN,
        SLACK_APP_TOKEN: SECRETS.SLACK_APP_TOKEN,
        SLACK_SIGNING_SECRET: SECRETS.SLACK_SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        PORT: String(port),
      }),
    });
    try {
      await untilStatus(`http://127.0.0.1:${port}/readyz`, 200);
      const mention = appMention({ text: `${MENTION} over the socket` });
      await slack.socket.send('events_api', eventCallback(mention));
      await slack.waitFor(
        () =>
          JSON.stringify(slack.botMessages(String(mention.channel), String(mention.ts))).includes('Paris.'),
        { timeoutMs: 15_000, what: 'the Socket Mode answer' },
      );
    } finally {
      bot.signal('SIGTERM');
    }
    const finished = await bot.exited;
    expect(finished.code).toBe(0);
    expect(leaks(outputOf(finished))).toEqual([]);
    expect(leaks(platformTraffic())).toEqual([]);
  }, 60_000);

  it('the console, whose answers go to standard output, leaks nothing when the model echoes the key', async () => {
    openai.failNext('POST', RESPONSES, 401, ECHOING_401);
    const finished = await runEntryPoint('console.ts', {
      cwd: dir,
      env: env('console', {}),
      input: 'first\nsecond\n',
    });
    expect(finished.code).toBe(0);
    // A refused key is the operator's to fix: the user hears the assistant is misconfigured.
    expect(finished.stdout).toContain('misconfigured');
    expect(finished.stdout).toContain('Paris.');
    expect(leaks(outputOf(finished))).toEqual([]);
  }, 30_000);

  it('a start with a bad configuration names the variables and leaks nothing', async () => {
    const finished = await runEntryPoint('main.ts', {
      cwd: dir,
      env: {
        ...SECRETS,
        // A bot token where the app token belongs: refused, without showing it.
        SLACK_APP_TOKEN: SECRETS.SLACK_BOT_TOKEN,
        OPENAI_BASE_URL: `https://user:${SECRETS.OPENAI_API_KEY}@`,
        STORE_URL: `redis://:${SECRETS.DISCORD_TOKEN}@`,
        PORT: 'eighty',
        LOG_LEVEL: 'trace',
      },
    });
    expect(finished.code).toBe(1);
    for (const name of ['SLACK_APP_TOKEN', 'OPENAI_BASE_URL', 'STORE_URL', 'PORT']) {
      expect(finished.stderr).toContain(name);
    }
    expect(leaks(outputOf(finished))).toEqual([]);
  }, 30_000);
});
