import { describe, expect, it } from 'vitest';
import { PLATFORM_SECTIONS } from '../adapters/registry.js';
import { loadConfig } from './load-config.js';
import { maskUrl, parseStoreUrl } from './store-url.js';

/** The built-in tool names, as the composition root hands them to config. */
const KNOWN_TOOLS = ['current_time'];

const storeOf = (STORE_URL: string) =>
  loadConfig({ OPENAI_API_KEY: 'k', STORE_URL }, { knownTools: KNOWN_TOOLS, platforms: PLATFORM_SECTIONS })
    .store;

describe('parseStoreUrl', () => {
  it('takes a relative SQLite path as written', () => {
    expect(storeOf('sqlite://./data/threadloom.sqlite')).toEqual({
      kind: 'sqlite',
      path: './data/threadloom.sqlite',
    });
    expect(storeOf('sqlite://data/db.sqlite')).toEqual({ kind: 'sqlite', path: 'data/db.sqlite' });
  });

  it('takes an absolute SQLite path after three slashes', () => {
    expect(storeOf('sqlite:///var/lib/threadloom/db.sqlite')).toEqual({
      kind: 'sqlite',
      path: '/var/lib/threadloom/db.sqlite',
    });
  });

  it('keeps redis and rediss URLs whole, credentials included', () => {
    expect(storeOf('redis://127.0.0.1:6379')).toEqual({ kind: 'redis', url: 'redis://127.0.0.1:6379' });
    expect(storeOf('rediss://default:pw@cache.example.com:6380/1')).toEqual({
      kind: 'redis',
      url: 'rediss://default:pw@cache.example.com:6380/1',
    });
  });

  it('rejects a SQLite URL without a path', () => {
    expect(parseStoreUrl('sqlite://')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('no file path'),
    });
  });

  it('rejects a Redis URL without a host', () => {
    expect(parseStoreUrl('redis://')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('no host'),
    });
  });

  it('rejects other schemes and plain paths, naming the accepted forms', () => {
    for (const value of ['postgres://db/app', './data/db.sqlite', 'memory']) {
      const result = parseStoreUrl(value);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problem).toContain('sqlite://<path>');
    }
  });
});

describe('maskUrl', () => {
  it('hides a password but keeps the user name', () => {
    expect(maskUrl('redis://default:hunter2@cache:6379/0')).toBe('redis://default:***@cache:6379/0');
  });

  it('hides a user name that stands alone, as tokens do', () => {
    expect(maskUrl('https://ghp_token@example.com/x')).toBe('https://***@example.com/x');
  });

  it('hides the query', () => {
    expect(maskUrl('mysql://db/app?password=hunter2')).toBe('mysql://db/app?***');
  });

  it('shows nothing of a value without a host, which may be credentials mistaken for a scheme', () => {
    expect(maskUrl('user:hunter2@nowhere')).toBe('<not shown>');
    expect(maskUrl('not a url at all')).toBe('<not shown>');
  });

  it('keeps a secret out of the store problem even when it reads as a URL scheme', () => {
    const result = parseStoreUrl('admin:hunter2@db.internal');
    expect(result).toMatchObject({ ok: false });
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });
});
