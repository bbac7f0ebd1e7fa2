import { describe, expect, it } from 'vitest';
import { PLATFORM_SECTIONS } from '../adapters/registry.js';
import { ConfigError } from '../core/errors.js';
import { loadConfig } from './load-config.js';
import { defaultProfiles } from './profiles/load-profiles.js';
import { DEFAULT_ASSISTANT } from './schema.js';
import type { AppConfig } from './types.js';

/** The built-in tool names, as the composition root hands them to config. */
const KNOWN_TOOLS = ['current_time'];

const KEY = { OPENAI_API_KEY: 'sk-test-key' };
const noFile = (path: string): string => {
  throw new Error(`ENOENT: no such file or directory, open '${path}'`);
};
const load = (env: Record<string, string | undefined>, readFile = noFile) =>
  loadConfig(
    { ...KEY, ...env },
    { readFile, knownTools: ['current_time', 'weather'], platforms: PLATFORM_SECTIONS },
  );

/** The problems of a configuration that must fail. */
function problems(env: Record<string, string | undefined>, readFile = noFile): Record<string, string> {
  try {
    loadConfig(env, { readFile, knownTools: ['current_time', 'weather'], platforms: PLATFORM_SECTIONS });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return Object.fromEntries((error as ConfigError).problems.map((p) => [p.variable, p.problem]));
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('fills every default when only the API key is set', () => {
    const assistant: AppConfig['assistant'] = {
      backend: 'responses',
      conversationMode: 'conversations',
      id: undefined,
      name: 'threadloom',
      model: 'o3',
      instructions: DEFAULT_ASSISTANT.instructions,
      codeInterpreter: true,
      fileSearch: true,
      webSearch: false,
      imageGeneration: false,
      functionTools: ['current_time'],
      vectorStoreIds: [],
    };
    expect(load({})).toEqual({
      logLevel: 'info',
      openai: { apiKey: 'sk-test-key', baseURL: undefined },
      assistant,
      run: {
        timeoutMs: 300_000,
        toolTimeoutMs: 30_000,
        maxQueuedMessages: 20,
        maxAttachmentBytes: 20 * 1024 * 1024,
        streamStallMs: 120_000,
        shutdownGraceMs: 20_000,
        conversationLeaseMs: 30_000,
      },
      limits: { perUserPerMinute: 20, dailyTokensPerUser: 0, dailyTokensPerConversation: 0 },
      cleanup: { threadTtlDays: 30, intervalMs: 3_600_000 },
      approvals: { timeoutMs: 600_000 },
      store: { kind: 'sqlite', path: './data/threadloom.sqlite' },
      storeOutage: { retryMs: 5_000, holdMs: 60_000 },
      port: 3000,
      consoleOutputDir: './output',
      toolDisplay: 'full',
      platforms: { discord: undefined, slack: undefined, web: undefined },
      platformSecrets: [],
      profiles: defaultProfiles(assistant),
    } satisfies AppConfig);
  });

  it('reads every variable when all are set', () => {
    const config = load(
      {
        OPENAI_BASE_URL: 'http://127.0.0.1:8080/v1',
        ASSISTANT_BACKEND: 'assistants',
        ASSISTANT_ID: 'asst_123',
        OPENAI_CONVERSATION_MODE: 'previous_response',
        ASSISTANT_NAME: 'helper',
        ASSISTANT_MODEL: 'gpt-4.1',
        ASSISTANT_INSTRUCTIONS: 'Be brief.',
        ASSISTANT_TOOLS: 'file_search, weather',
        VECTOR_STORE_IDS: 'vs_1, vs_2,,vs_1',
        DISCORD_TOKEN: 'discord-token',
        DISCORD_API_URL: 'http://127.0.0.1:9000/api',
        DISCORD_GUILD_ID: '123456789012345678',
        SLACK_BOT_TOKEN: 'xoxb-bot',
        SLACK_SIGNING_SECRET: 'signing-secret',
        SLACK_APP_TOKEN: 'xapp-app',
        SLACK_API_URL: 'http://127.0.0.1:9001/api/',
        PORT: '8080',
        STORE_URL: 'redis://127.0.0.1:6379/2',
        STORE_RETRY_MS: '0',
        STORE_HOLD_MS: '15000',
        RUN_TIMEOUT_MS: '60000',
        TOOL_TIMEOUT_MS: '5000',
        MAX_QUEUED_MESSAGES: '3',
        MAX_ATTACHMENT_MB: '2',
        STREAM_STALL_MS: '45000',
        SHUTDOWN_GRACE_MS: '5000',
        CONVERSATION_LEASE_MS: '10000',
        CONSOLE_OUTPUT_DIR: '/tmp/out',
        LOG_LEVEL: 'debug',
        TOOL_DISPLAY: 'summary',
        DISCORD_ALLOWED_GUILDS: 'g1,g2',
        DISCORD_ALLOWED_CHANNELS: 'c1',
        DISCORD_ALLOWED_ROLES: 'r1',
        DISCORD_ALLOWED_USERS: 'u1',
        DISCORD_MESSAGE_CONTENT: 'yes',
        DISCORD_EDIT_INTERVAL_MS: '1200',
        DISCORD_SHARD_IDS: '3, 1,1',
        DISCORD_SHARD_COUNT: '4',
        SLACK_ALLOWED_TEAMS: 'T1',
        SLACK_ALLOWED_CHANNELS: 'C1,C2',
        SLACK_ALLOWED_USERS: 'U1',
        SLACK_UPDATE_INTERVAL_MS: '2000',
        RATE_LIMIT_PER_USER_PER_MIN: '0',
        DAILY_TOKEN_BUDGET_PER_USER: '50000',
        DAILY_TOKEN_BUDGET_PER_CONVERSATION: '20000',
        THREAD_TTL_DAYS: '7',
        CLEANUP_INTERVAL_MS: '600000',
        APPROVAL_TIMEOUT_MS: '90000',
        APPROVER_ROLES: 'r2, r3',
        SLACK_APPROVER_USERS: 'U2',
        PROFILES_FILE: '/etc/threadloom/profiles.yaml',
      },
      (path) => {
        if (path === '/etc/threadloom/profiles.yaml') {
          return 'profiles:\n  support: { model: gpt-4.1-mini }\ndirect_messages: support\n';
        }
        return noFile(path);
      },
    );
    const assistant: AppConfig['assistant'] = {
      backend: 'assistants',
      conversationMode: 'previous_response',
      id: 'asst_123',
      name: 'helper',
      model: 'gpt-4.1',
      instructions: 'Be brief.',
      codeInterpreter: false,
      fileSearch: true,
      webSearch: false,
      imageGeneration: false,
      functionTools: ['weather'],
      vectorStoreIds: ['vs_1', 'vs_2'],
    };
    expect(config).toEqual({
      logLevel: 'debug',
      openai: { apiKey: 'sk-test-key', baseURL: 'http://127.0.0.1:8080/v1' },
      assistant,
      run: {
        timeoutMs: 60_000,
        toolTimeoutMs: 5_000,
        maxQueuedMessages: 3,
        maxAttachmentBytes: 2 * 1024 * 1024,
        streamStallMs: 45_000,
        shutdownGraceMs: 5_000,
        conversationLeaseMs: 10_000,
      },
      limits: { perUserPerMinute: 0, dailyTokensPerUser: 50_000, dailyTokensPerConversation: 20_000 },
      cleanup: { threadTtlDays: 7, intervalMs: 600_000 },
      approvals: { timeoutMs: 90_000 },
      store: { kind: 'redis', url: 'redis://127.0.0.1:6379/2' },
      storeOutage: { retryMs: 0, holdMs: 15_000 },
      port: 8080,
      consoleOutputDir: '/tmp/out',
      toolDisplay: 'summary',
      platformSecrets: ['discord-token', 'xoxb-bot', 'xapp-app', 'signing-secret'],
      platforms: {
        web: undefined,
        discord: {
          token: 'discord-token',
          apiUrl: 'http://127.0.0.1:9000/api',
          guildId: '123456789012345678',
          allow: { spaces: ['g1', 'g2'], channels: ['c1'], roles: ['r1'], users: ['u1'] },
          messageContent: true,
          editIntervalMs: 1200,
          shards: { ids: [1, 3], count: 4 },
          approverRoles: ['r2', 'r3'],
        },
        slack: {
          botToken: 'xoxb-bot',
          signingSecret: 'signing-secret',
          appToken: 'xapp-app',
          apiUrl: 'http://127.0.0.1:9001/api/',
          allow: { spaces: ['T1'], channels: ['C1', 'C2'], roles: [], users: ['U1'] },
          updateIntervalMs: 2000,
          approverUsers: ['U2'],
        },
      },
      profiles: {
        file: '/etc/threadloom/profiles.yaml',
        profiles: new Map([
          ['default', defaultProfiles(assistant).profiles.get('default')],
          ['support', expect.objectContaining({ model: 'gpt-4.1-mini', instructions: 'Be brief.' })],
        ]),
        defaultProfile: 'default',
        directMessages: 'support',
        channels: new Map(),
        httpTools: [],
        mcpServers: [],
      },
    } satisfies AppConfig);
  });

  it('treats empty and blank values as unset', () => {
    expect(load({ ASSISTANT_MODEL: '', PORT: '  ', ASSISTANT_TOOLS: '', DISCORD_TOKEN: '' })).toEqual(
      load({}),
    );
  });

  it('trims surrounding whitespace, such as a pasted newline', () => {
    const config = load({ OPENAI_API_KEY: ' sk-padded\n', ASSISTANT_MODEL: ' gpt-4o ' });
    expect(config.openai.apiKey).toBe('sk-padded');
    expect(config.assistant.model).toBe('gpt-4o');
  });

  it('reads enum values in any case', () => {
    const config = load({ ASSISTANT_BACKEND: 'Assistants', LOG_LEVEL: 'WARN' });
    expect(config.assistant.backend).toBe('assistants');
    expect(config.logLevel).toBe('warn');
  });

  it('accepts every pino level', () => {
    for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const) {
      expect(load({ LOG_LEVEL: level }).logLevel).toBe(level);
    }
  });

  it('turns ASSISTANT_TOOLS=none into no tools at all', () => {
    expect(load({ ASSISTANT_TOOLS: 'none' }).assistant).toMatchObject({
      codeInterpreter: false,
      fileSearch: false,
      webSearch: false,
      imageGeneration: false,
      functionTools: [],
    });
  });

  it('enables only the hosted tools that are named', () => {
    expect(load({ ASSISTANT_TOOLS: 'code_interpreter' }).assistant).toMatchObject({
      codeInterpreter: true,
      fileSearch: false,
      webSearch: false,
      imageGeneration: false,
      functionTools: [],
    });
  });

  it('rejects an unknown tool name and lists the known ones', () => {
    const { ASSISTANT_TOOLS } = problems({ ...KEY, ASSISTANT_TOOLS: 'code_interpreter,wether' });
    expect(ASSISTANT_TOOLS).toContain('wether');
    expect(ASSISTANT_TOOLS).toContain(
      'code_interpreter, file_search, web_search, image_generation, current_time, weather',
    );
  });

  it('enables the hosted web search and image generation on the responses backend', () => {
    expect(load({ ASSISTANT_TOOLS: 'web_search,image_generation' }).assistant).toMatchObject({
      codeInterpreter: false,
      webSearch: true,
      imageGeneration: true,
      functionTools: [],
    });
  });

  it('refuses web search and image generation on the assistants backend, which has neither', () => {
    const { ASSISTANT_TOOLS } = problems({
      ...KEY,
      ASSISTANT_BACKEND: 'assistants',
      ASSISTANT_TOOLS: 'code_interpreter,web_search,image_generation',
    });
    expect(ASSISTANT_TOOLS).toBe(
      'names web_search and image_generation, which only the responses backend has (ASSISTANT_BACKEND=assistants)',
    );
  });

  it('checks tool names against the built-in tools by default', () => {
    expect(
      loadConfig(
        { ...KEY, ASSISTANT_TOOLS: 'current_time' },
        { knownTools: KNOWN_TOOLS, platforms: PLATFORM_SECTIONS },
      ).assistant.functionTools,
    ).toEqual(['current_time']);
    expect(() =>
      loadConfig(
        { ...KEY, ASSISTANT_TOOLS: 'weather' },
        { knownTools: KNOWN_TOOLS, platforms: PLATFORM_SECTIONS },
      ),
    ).toThrow(ConfigError);
  });

  it('builds the Discord section only when DISCORD_TOKEN is set', () => {
    expect(load({ DISCORD_GUILD_ID: '1' }).platforms.discord).toBeUndefined();
    expect(load({ DISCORD_TOKEN: 't' }).platforms.discord).toEqual({
      token: 't',
      apiUrl: undefined,
      guildId: undefined,
      allow: { spaces: [], channels: [], roles: [], users: [] },
      messageContent: false,
      editIntervalMs: 1000,
      shards: undefined,
      approverRoles: [],
    });
  });

  it('builds the Slack section in Socket Mode with an app token alone', () => {
    expect(load({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).platforms.slack).toEqual({
      botToken: 'xoxb-1',
      signingSecret: undefined,
      appToken: 'xapp-1',
      apiUrl: undefined,
      allow: { spaces: [], channels: [], roles: [], users: [] },
      updateIntervalMs: 1500,
      approverUsers: [],
    });
  });

  it('takes 0 as "no limit" for the access limits and refuses anything but whole numbers', () => {
    expect(load({ RATE_LIMIT_PER_USER_PER_MIN: '0' }).limits.perUserPerMinute).toBe(0);
    expect(problems({ ...KEY, DAILY_TOKEN_BUDGET_PER_USER: '-5' }).DAILY_TOKEN_BUDGET_PER_USER).toMatch(
      /whole number/,
    );
  });

  it('takes THREAD_TTL_DAYS=0 as "never clean up" and refuses a fraction or a zero interval', () => {
    expect(load({ THREAD_TTL_DAYS: '0' }).cleanup).toEqual({ threadTtlDays: 0, intervalMs: 3_600_000 });
    const found = problems({ ...KEY, THREAD_TTL_DAYS: '1.5', CLEANUP_INTERVAL_MS: '0' });
    expect(found.THREAD_TTL_DAYS).toMatch(/whole number, 0 for never cleaning up/);
    expect(found.CLEANUP_INTERVAL_MS).toMatch(/whole number from 1/);
  });

  it('reads yes/no switches and rejects anything else', () => {
    expect(
      load({ DISCORD_TOKEN: 't', DISCORD_MESSAGE_CONTENT: 'TRUE' }).platforms.discord?.messageContent,
    ).toBe(true);
    expect(load({ DISCORD_TOKEN: 't', DISCORD_MESSAGE_CONTENT: '0' }).platforms.discord?.messageContent).toBe(
      false,
    );
    expect(problems({ ...KEY, DISCORD_MESSAGE_CONTENT: 'maybe' }).DISCORD_MESSAGE_CONTENT).toMatch(
      /true or false/,
    );
  });

  it('builds the Slack section in HTTP mode with a signing secret alone', () => {
    expect(
      load({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }).platforms.slack?.signingSecret,
    ).toBe('s');
  });

  it('leaves Slack out when SLACK_BOT_TOKEN is unset', () => {
    expect(load({ SLACK_APP_TOKEN: 'xapp-1' }).platforms.slack).toBeUndefined();
  });

  it('requires an app token or a signing secret beside the Slack bot token', () => {
    expect(problems({ ...KEY, SLACK_BOT_TOKEN: 'xoxb-1' }).SLACK_APP_TOKEN).toContain('SLACK_SIGNING_SECRET');
  });

  it('rejects a Slack app token that is not an xapp- token', () => {
    const found = problems({ ...KEY, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xoxb-1' });
    expect(Object.keys(found)).toEqual(['SLACK_APP_TOKEN']);
    expect(found.SLACK_APP_TOKEN).toContain('xapp-');
  });
});
