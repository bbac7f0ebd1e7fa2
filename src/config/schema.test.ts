import { describe, expect, it } from 'vitest';
import { PLATFORM_SECTIONS } from '../adapters/registry.js';
import { ConfigError } from '../core/errors.js';
import { loadConfig } from './load-config.js';

/** The built-in tool names, as the composition root hands them to config. */
const KNOWN_TOOLS = ['current_time'];

const KEY = { OPENAI_API_KEY: 'sk-test-key' };
const files = (contents: Record<string, string>) => (path: string) => {
  const text = contents[path];
  if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
  return text;
};

function configError(env: Record<string, string | undefined>, readFile = files({})): ConfigError {
  try {
    loadConfig(env, { readFile, knownTools: ['current_time'], platforms: PLATFORM_SECTIONS });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const problemOf = (env: Record<string, string | undefined>, variable: string): string | undefined =>
  configError(env).problems.find((p) => p.variable === variable)?.problem;

describe('configuration problems', () => {
  it('requires OPENAI_API_KEY and says what it is', () => {
    expect(problemOf({}, 'OPENAI_API_KEY')).toMatch(/is required: .*API key/);
  });

  it('lists every bad variable in one error', () => {
    const error = configError({
      PORT: 'eighty',
      RUN_TIMEOUT_MS: '0',
      ASSISTANT_BACKEND: 'chat',
      LOG_LEVEL: 'verbose',
      STORE_URL: 'mongodb://db',
      OPENAI_BASE_URL: 'not a url',
      ASSISTANT_TOOLS: 'nope',
      SLACK_BOT_TOKEN: 'xoxb-1',
    });
    expect(error.problems.map((p) => p.variable)).toEqual([
      'OPENAI_API_KEY',
      'OPENAI_BASE_URL',
      'ASSISTANT_BACKEND',
      'ASSISTANT_TOOLS',
      'PORT',
      'STORE_URL',
      'RUN_TIMEOUT_MS',
      'LOG_LEVEL',
      'SLACK_APP_TOKEN',
    ]);
    for (const { variable } of error.problems) expect(error.message).toContain(`${variable}: `);
    expect(error.code).toBe('config_invalid');
  });

  it('never shows the value of a secret, whatever else is wrong', () => {
    const secrets = {
      OPENAI_API_KEY: 'sk-SECRET-openai',
      DISCORD_TOKEN: 'SECRET-discord',
      SLACK_BOT_TOKEN: 'xoxb-SECRET-bot',
      SLACK_SIGNING_SECRET: 'SECRET-signing',
      SLACK_APP_TOKEN: 'xoxp-SECRET-app',
    };
    const error = configError({
      ...secrets,
      OPENAI_BASE_URL: 'https://user:SECRET-base@',
      DISCORD_API_URL: 'ftp://user:SECRET-discord-url@host',
      STORE_URL: 'postgres://admin:SECRET-store@db.internal/app',
      PORT: 'x',
    });
    expect(error.problems.length).toBe(5);
    expect(error.message).not.toContain('SECRET');
    expect(error.message).toContain('postgres://admin:***@db.internal/app');
  });

  it('rejects integers that are not positive whole numbers', () => {
    for (const value of ['abc', '0', '-5', '1.5', '1e3', '20MB']) {
      expect(problemOf({ ...KEY, MAX_QUEUED_MESSAGES: value }, 'MAX_QUEUED_MESSAGES')).toBe(
        `must be a positive whole number (got "${value}"); unset it for the default 20`,
      );
    }
  });

  it('rejects a port past 65535', () => {
    expect(problemOf({ ...KEY, PORT: '70000' }, 'PORT')).toContain('from 1 to 65535');
  });

  it('rejects a timeout too long for a timer', () => {
    expect(problemOf({ ...KEY, TOOL_TIMEOUT_MS: '9999999999' }, 'TOOL_TIMEOUT_MS')).toContain('2147483647');
  });

  it('refuses store outage times that are not whole milliseconds', () => {
    expect(problemOf({ ...KEY, STORE_RETRY_MS: '5s' }, 'STORE_RETRY_MS')).toBe(
      'must be a whole number, 0 for no retries (at most 2147483647) (got "5s"); unset it for the default 5000',
    );
    expect(problemOf({ ...KEY, STORE_HOLD_MS: '-1' }, 'STORE_HOLD_MS')).toBe(
      'must be a whole number, 0 for not holding messages (at most 2147483647) (got "-1"); unset it for the default 60000',
    );
  });

  it('rejects base URLs that are not http(s)', () => {
    for (const variable of ['OPENAI_BASE_URL', 'DISCORD_API_URL', 'SLACK_API_URL']) {
      expect(problemOf({ ...KEY, [variable]: 'ws://127.0.0.1' }, variable)).toContain('http(s) URL');
    }
  });

  it('names the allowed values of an enum variable', () => {
    expect(problemOf({ ...KEY, ASSISTANT_BACKEND: 'chat' }, 'ASSISTANT_BACKEND')).toBe(
      'must be one of responses, assistants (got "chat")',
    );
  });
});

describe('assistant instructions', () => {
  it('reads the instructions file', () => {
    const readFile = files({ '/etc/threadloom/instructions.md': '  Answer in French.\n' });
    const config = loadConfig(
      { ...KEY, ASSISTANT_INSTRUCTIONS_FILE: '/etc/threadloom/instructions.md' },
      { knownTools: KNOWN_TOOLS, platforms: PLATFORM_SECTIONS, readFile },
    );
    expect(config.assistant.instructions).toBe('Answer in French.');
  });

  it('does not read any file when ASSISTANT_INSTRUCTIONS_FILE is unset', () => {
    const readFile = () => {
      throw new Error('no file should be read');
    };
    expect(
      loadConfig(
        { ...KEY, ASSISTANT_INSTRUCTIONS: 'Be kind.' },
        { knownTools: KNOWN_TOOLS, platforms: PLATFORM_SECTIONS, readFile },
      ).assistant.instructions,
    ).toBe('Be kind.');
  });

  it('rejects setting both the instructions and their file', () => {
    const error = configError(
      { ...KEY, ASSISTANT_INSTRUCTIONS: 'Be kind.', ASSISTANT_INSTRUCTIONS_FILE: 'i.md' },
      files({ 'i.md': 'Be brief.' }),
    );
    expect(error.problems).toEqual([
      {
        variable: 'ASSISTANT_INSTRUCTIONS_FILE',
        problem: 'cannot be set together with ASSISTANT_INSTRUCTIONS; set only one of them',
      },
    ]);
  });

  it('reports an instructions file that cannot be read, with the reason', () => {
    expect(
      problemOf({ ...KEY, ASSISTANT_INSTRUCTIONS_FILE: 'missing.md' }, 'ASSISTANT_INSTRUCTIONS_FILE'),
    ).toMatch(/could not be read \(ENOENT/);
  });

  it('reports an empty instructions file', () => {
    const error = configError(
      { ...KEY, ASSISTANT_INSTRUCTIONS_FILE: 'empty.md' },
      files({ 'empty.md': ' \n' }),
    );
    expect(error.problems[0]?.problem).toContain('empty file');
  });
});

describe('Discord shards', () => {
  const DISCORD = { ...KEY, DISCORD_TOKEN: 'discord-token' };
  const shardsOf = (env: Record<string, string>) =>
    loadConfig(
      { ...DISCORD, ...env },
      { knownTools: KNOWN_TOOLS, platforms: PLATFORM_SECTIONS, readFile: files({}) },
    ).platforms.discord?.shards;
  const problemsOf = (env: Record<string, string>) =>
    Object.fromEntries(configError({ ...DISCORD, ...env }).problems.map((p) => [p.variable, p.problem]));

  it('runs every shard itself when neither variable is set', () => {
    expect(shardsOf({})).toBeUndefined();
  });

  it('reads the shard ids of this process, sorted and without repeats, and the total count', () => {
    expect(shardsOf({ DISCORD_SHARD_IDS: '1, 0,1', DISCORD_SHARD_COUNT: '2' })).toEqual({
      ids: [0, 1],
      count: 2,
    });
    expect(shardsOf({ DISCORD_SHARD_IDS: '3', DISCORD_SHARD_COUNT: '4' })).toEqual({ ids: [3], count: 4 });
  });

  it('requires the count with the ids, and the ids with the count', () => {
    expect(problemsOf({ DISCORD_SHARD_IDS: '0' })).toEqual({
      DISCORD_SHARD_COUNT: expect.stringMatching(/^is required with DISCORD_SHARD_IDS: the total number/),
    });
    expect(problemsOf({ DISCORD_SHARD_COUNT: '2' })).toEqual({
      DISCORD_SHARD_IDS: expect.stringMatching(/^is required with DISCORD_SHARD_COUNT: the shards/),
    });
  });

  it('refuses a shard id that is not below the count, naming it', () => {
    expect(problemsOf({ DISCORD_SHARD_IDS: '0,2,5', DISCORD_SHARD_COUNT: '2' })).toEqual({
      DISCORD_SHARD_IDS: 'must all be below DISCORD_SHARD_COUNT (2): shard ids run from 0 to 1 (got 2, 5)',
    });
  });

  it('refuses ids and counts that are not whole numbers, each by its own name', () => {
    for (const ids of ['a', '-1', '1.5', ',', '0;1']) {
      expect(problemsOf({ DISCORD_SHARD_IDS: ids, DISCORD_SHARD_COUNT: '2' })).toEqual({
        DISCORD_SHARD_IDS: `must be a comma list of shard ids, whole numbers from 0 such as 0,1 (got "${ids}")`,
      });
    }
    for (const count of ['0', 'two', '-2', '2.5']) {
      expect(problemsOf({ DISCORD_SHARD_IDS: '0', DISCORD_SHARD_COUNT: count })).toEqual({
        DISCORD_SHARD_COUNT: `must be the total number of shards, a whole number from 1 (got "${count}")`,
      });
    }
  });

  it('reports both variables at once when both are wrong', () => {
    expect(Object.keys(problemsOf({ DISCORD_SHARD_IDS: 'x', DISCORD_SHARD_COUNT: '0' }))).toEqual([
      'DISCORD_SHARD_IDS',
      'DISCORD_SHARD_COUNT',
    ]);
  });
});
