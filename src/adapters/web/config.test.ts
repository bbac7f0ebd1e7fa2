import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../configure.js';
import { ConfigError } from '../../core/errors.js';

const base = { OPENAI_API_KEY: 'sk-test' };
const problems = (env: Record<string, string>) => {
  try {
    configFromEnv({ ...base, ...env });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((p) => p.variable);
  }
};

describe('the web chat’s configuration', () => {
  it('is off unless WEB_ENABLED, and then answers this machine at /chat', () => {
    expect(configFromEnv(base).platforms.web).toBeUndefined();
    expect(configFromEnv({ ...base, WEB_ENABLED: 'true' }).platforms.web).toEqual({
      basePath: '/chat',
      auth: { mode: 'loopback' },
    });
  });

  it('reads per-user tokens, keeps them secret, and normalises the base path', () => {
    const config = configFromEnv({
      ...base,
      WEB_ENABLED: 'yes',
      WEB_BASE_PATH: 'assistant/',
      WEB_AUTH: 'token',
      WEB_TOKENS: 'alice:0123456789abcdef0123, bob@example.com:fedcba9876543210fedc',
    });
    expect(config.platforms.web?.basePath).toBe('/assistant');
    const auth = config.platforms.web?.auth;
    expect(auth?.mode === 'token' && [...auth.tokens]).toEqual([
      ['0123456789abcdef0123', 'alice'],
      ['fedcba9876543210fedc', 'bob@example.com'],
    ]);
    expect(config.platformSecrets).toEqual(['0123456789abcdef0123', 'fedcba9876543210fedc']);
  });

  it('reads the trusted proxy header and addresses', () => {
    const config = configFromEnv({
      ...base,
      WEB_ENABLED: '1',
      WEB_AUTH: 'proxy',
      WEB_TRUSTED_USER_HEADER: 'X-Forwarded-User',
      WEB_TRUSTED_PROXIES: '10.0.0.0/8, ::1',
    });
    expect(config.platforms.web?.auth).toEqual({
      mode: 'proxy',
      header: 'x-forwarded-user',
      proxies: ['10.0.0.0/8', '::1'],
    });
  });

  it('names each variable to fix', () => {
    expect(problems({ WEB_ENABLED: 'true', WEB_AUTH: 'token' })).toEqual(['WEB_TOKENS']);
    expect(problems({ WEB_ENABLED: 'true', WEB_AUTH: 'token', WEB_TOKENS: 'alice:short' })).toEqual([
      'WEB_TOKENS',
    ]);
    expect(problems({ WEB_ENABLED: 'true', WEB_AUTH: 'proxy', WEB_TRUSTED_PROXIES: 'not-an-ip' })).toEqual([
      'WEB_TRUSTED_USER_HEADER',
      'WEB_TRUSTED_PROXIES',
    ]);
    expect(problems({ WEB_ENABLED: 'true', WEB_AUTH: 'cookie' })).toEqual(['WEB_AUTH']);
    expect(problems({ WEB_ENABLED: 'true', WEB_BASE_PATH: '/' })).toEqual(['WEB_BASE_PATH']);
    expect(problems({ WEB_ENABLED: 'true', WEB_BASE_PATH: '/healthz' })).toEqual(['WEB_BASE_PATH']);
    expect(problems({ WEB_ENABLED: 'true', WEB_BASE_PATH: '/a b' })).toEqual(['WEB_BASE_PATH']);
  });
});
