import { createApp } from './app.js';
import { loadConfigFromProcess } from './config/load-config.js';
import type { AppConfig } from './config/types.js';
import { ConfigError } from './core/errors.js';
import { createLogger } from './core/logger.js';
import { reportStartupFailure } from './startup-failure.js';

/** What `npm start` says when there is nothing to connect to. */
export const NO_PLATFORM_HINT = [
  'No chat platform is configured. Set one of these (in the environment or a .env file; see .env.example):',
  '  - Discord: DISCORD_TOKEN (and DISCORD_GUILD_ID to register commands in one server at once)',
  '  - Slack:   SLACK_BOT_TOKEN with SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode on PORT)',
  'Or chat in a terminal: `npm run console` (needs OPENAI_API_KEY), or `npm run demo` (needs nothing).',
].join('\n');

function platformsOf(config: AppConfig): string[] {
  return [config.discord ? 'discord' : undefined, config.slack ? 'slack' : undefined].filter(
    (name): name is string => name !== undefined,
  );
}

/** `npm start`: load the configuration, build the core, start every configured adapter, stop on SIGTERM. */
async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfigFromProcess();
  } catch (error) {
    reportStartupFailure(error, error instanceof ConfigError ? NO_PLATFORM_HINT : undefined);
    return;
  }
  const platforms = platformsOf(config);
  if (platforms.length === 0) {
    process.stderr.write(`${NO_PLATFORM_HINT}\n`);
    process.exitCode = 1;
    return;
  }
  const logger = createLogger(config.logLevel);
  const app = await createApp(config, logger);
  // The Discord and Slack adapters plug in here as they are built (issues #4 and #5).
  logger.error({ platforms }, 'these platform adapters are not part of this version yet');
  await app.close();
  process.exitCode = 1;
}

main().catch((error: unknown) => reportStartupFailure(error));
