import { join } from 'node:path';
import type { FakeOpenAI } from '../../src/model-server/index.js';
import type { FakeDiscord } from '../fakes/discord/index.js';
import { FAKE_TEAM, type FakeSlack, type FakeMessage as SlackMessage } from '../fakes/slack/index.js';
import { type RunningEntryPoint, startEntryPoint } from './spawn.js';
import { untilStatus } from './until-status.js';

/** The bot as its own process (`src/main.ts`), to be killed and started again. */
export interface KillableBot {
  process: RunningEntryPoint;
  url: string;
}

/** What one start of the bot runs against and on. */
export interface KillableBotOptions {
  platform: 'discord' | 'slack';
  fakes: { openai: FakeOpenAI; discord: FakeDiscord; slack: FakeSlack };
  /** The working directory; the SQLite store is the file `store` in it. */
  dir: string;
  store: string;
  backend?: 'responses' | 'assistants';
  port: number;
}

/**
 * Starts the bot with one platform (Discord edits every 200 ms) and waits until it is ready. A restart
 * on the same PORT and store is the same instance, which takes its conversations back at once.
 */
export async function startKillableBot(options: KillableBotOptions): Promise<KillableBot> {
  const { platform, fakes, dir, port } = options;
  const platformEnv =
    platform === 'discord'
      ? {
          DISCORD_TOKEN: fakes.discord.token,
          DISCORD_API_URL: fakes.discord.apiUrl,
          DISCORD_EDIT_INTERVAL_MS: '200',
        }
      : {
          SLACK_BOT_TOKEN: FAKE_TEAM.botToken,
          SLACK_SIGNING_SECRET: FAKE_TEAM.signingSecret,
          SLACK_API_URL: fakes.slack.apiUrl,
        };
  const bot = startEntryPoint('main.ts', {
    cwd: dir,
    env: {
      OPENAI_API_KEY: 'test-key',
      OPENAI_BASE_URL: fakes.openai.url,
      ASSISTANT_BACKEND: options.backend ?? 'responses',
      ...platformEnv,
      PORT: String(port),
      STORE_URL: `sqlite://${join(dir, options.store)}`,
      LOG_LEVEL: 'info',
    },
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await untilStatus(`${url}/readyz`, 200, { timeoutMs: 30_000 });
  } catch (error) {
    bot.signal('SIGKILL');
    throw new Error(`the bot did not become ready:\n${bot.output().stderr}`, { cause: error });
  }
  return { process: bot, url };
}

/** SIGKILL: no shutdown code runs. Resolves once the process is gone. */
export async function killBot(bot: KillableBot): Promise<void> {
  bot.process.signal('SIGKILL');
  await bot.process.exited;
}

/** What a Slack message shows: streamed Markdown, or the Markdown block an update put there. */
export const slackText = (m: SlackMessage): string =>
  m.markdown ?? String((m.blocks?.[0] as { text?: unknown } | undefined)?.text ?? m.text ?? '');
