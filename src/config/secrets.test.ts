import { describe, expect, it } from 'vitest';
import { PLATFORM_SECTIONS } from '../adapters/registry.js';
import { loadConfig } from './load-config.js';
import { secretValues } from './secrets.js';

/** The built-in tool names, as the composition root hands them to config. */
const KNOWN_TOOLS = ['current_time'];

describe('secretValues', () => {
  it('lists the key, the platform tokens, the signing secret and a Redis password', () => {
    const config = loadConfig(
      {
        OPENAI_API_KEY: 'sk-key',
        DISCORD_TOKEN: 'discord-token',
        SLACK_BOT_TOKEN: 'xoxb-bot',
        SLACK_APP_TOKEN: 'xapp-app',
        SLACK_SIGNING_SECRET: 'signing',
        STORE_URL: 'redis://:p%40ss@redis:6379',
      },
      { knownTools: KNOWN_TOOLS, platforms: PLATFORM_SECTIONS },
    );
    expect(secretValues(config).sort()).toEqual(
      ['sk-key', 'discord-token', 'xoxb-bot', 'xapp-app', 'signing', 'p@ss'].sort(),
    );
  });

  it('lists only what is set', () => {
    expect(
      secretValues(
        loadConfig({ OPENAI_API_KEY: 'sk-key' }, { knownTools: KNOWN_TOOLS, platforms: PLATFORM_SECTIONS }),
      ),
    ).toEqual(['sk-key']);
  });
});
