import { hostname } from 'node:os';
import { createClient } from '@keyv/redis';
import { conversationKey } from '../../src/core/conversation.js';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/types.js';
import { FAKE_TEAM, SlackSender } from '../fakes/slack/index.js';
import { freePort } from './free-port.js';
import { type RunningEntryPoint, startEntryPoint } from './spawn.js';
import { untilStatus } from './until-status.js';

/** One bot process of several sharing a Redis, in Slack HTTP mode. */
export interface Instance {
  process: RunningEntryPoint;
  sender: SlackSender;
  port: number;
  /** Its lease owner id (what the store says holds a conversation). */
  id: string;
  url: string;
}

/** Empties the Redis database the processes of one test file use (each file has its own). */
export async function flushRedis(url: string): Promise<void> {
  const client = createClient({ url });
  await client.connect();
  await client.flushDb();
  await client.close();
}

/** The store the processes share, as the test reads it (the bot's default namespace). */
export function sharedStore(url: string): Promise<Store> {
  return createStore({ kind: 'redis', url });
}

/** Starts one bot process (main.ts) on a free port; resolves once it is ready. */
export async function startInstance(options: {
  redisUrl: string;
  openaiUrl: string;
  slackApiUrl: string;
  cwd: string;
  env?: Record<string, string>;
  port?: number;
}): Promise<Instance> {
  const port = options.port ?? (await freePort());
  const bot = startEntryPoint('main.ts', {
    cwd: options.cwd,
    env: {
      OPENAI_API_KEY: 'test-key',
      OPENAI_BASE_URL: options.openaiUrl,
      SLACK_BOT_TOKEN: FAKE_TEAM.botToken,
      SLACK_SIGNING_SECRET: FAKE_TEAM.signingSecret,
      SLACK_API_URL: options.slackApiUrl,
      PORT: String(port),
      STORE_URL: options.redisUrl,
      LOG_LEVEL: 'info',
      ...options.env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  await untilStatus(`${url}/readyz`, 200, { timeoutMs: 30_000 }).catch((error: unknown) => {
    bot.signal('SIGKILL');
    throw new Error(`an instance did not become ready:\n${bot.output().stderr}`, { cause: error });
  });
  return {
    process: bot,
    sender: new SlackSender(`${url}/slack/events`, FAKE_TEAM.signingSecret),
    port,
    id: `${hostname()}:${port}`,
    url,
  };
}

/** Stops every instance still running (SIGTERM; SIGKILL for one that does not exit). */
export async function stopInstances(instances: readonly Instance[]): Promise<void> {
  await Promise.all(
    instances.map(async (instance) => {
      instance.process.signal('SIGTERM');
      const timer = setTimeout(() => instance.process.signal('SIGKILL'), 10_000);
      await instance.process.exited;
      clearTimeout(timer);
    }),
  );
}

let events = 0;
/**
 * An event id no other test run uses: the processes mark event ids as seen in the shared store, and
 * the payload helpers' ids restart at 1 in every test file.
 */
export function uniqueEventId(): string {
  events += 1;
  return `Ev${process.pid}${Date.now()}${events}`;
}

/** A random element of `items`, other than `not`. */
export function pick<T>(items: readonly T[], not?: T): T {
  const choices = items.filter((item) => item !== not);
  return choices[Math.floor(Math.random() * choices.length)] as T;
}

/** The conversation key of a Slack thread of the fake team. */
export const threadKey = (channel: string, thread: string) =>
  conversationKey('slack', FAKE_TEAM.teamId, channel, thread);

/**
 * The log lines (pino JSON) of an instance whose `msg` is `message`, parsed.
 */
export function logLines(instance: Instance, message: string): Record<string, unknown>[] {
  return instance.process
    .output()
    .stderr.split('\n')
    .filter((line) => line.includes(`"msg":"${message}"`))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Resolves with `probe`'s first truthy answer, looked at every 20 ms; fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
