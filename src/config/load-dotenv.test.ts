import { readFileSync } from 'node:fs';
import dotenv from 'dotenv';
import { describe, expect, it } from 'vitest';
import { PLATFORM_SECTIONS } from '../adapters/registry.js';
import { ConfigError } from '../core/errors.js';
import { loadConfig } from './load-config.js';
import { loadDotEnv } from './load-dotenv.js';
import { createEnvSchema } from './schema.js';

/** The built-in tool names, as the composition root hands them to config. */
const KNOWN_TOOLS = ['current_time'];

const dotEnv = (text: string) => (path: string) => {
  if (path !== '.env') throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  return text;
};

describe('loadDotEnv', () => {
  it('adds the variables of the .env file', () => {
    expect(
      loadDotEnv({ HOME: '/root' }, { readFile: dotEnv('OPENAI_API_KEY=sk-file\n# note\nPORT="8080"\n') }),
    ).toEqual({
      HOME: '/root',
      OPENAI_API_KEY: 'sk-file',
      PORT: '8080',
    });
  });

  it('lets the real environment win over the file', () => {
    expect(loadDotEnv({ PORT: '9000' }, { readFile: dotEnv('PORT=8080') }).PORT).toBe('9000');
  });

  it('fills a variable that is empty in the real environment', () => {
    expect(loadDotEnv({ PORT: '' }, { readFile: dotEnv('PORT=8080') }).PORT).toBe('8080');
  });

  it('returns a copy and leaves the given environment alone', () => {
    const env = { A: '1' };
    const merged = loadDotEnv(env, { readFile: dotEnv('B=2') });
    expect(env).toEqual({ A: '1' });
    expect(merged).not.toBe(env);
  });

  it('does without a .env file', () => {
    expect(loadDotEnv({ A: '1' }, { path: 'absent.env', readFile: dotEnv('') })).toEqual({ A: '1' });
  });

  it('reports a .env file that exists but cannot be read', () => {
    const readFile = () => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    };
    expect(() => loadDotEnv({}, { readFile })).toThrow(ConfigError);
  });
});

describe('.env.example', () => {
  const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');

  it('lists every variable the schema reads, and no other', () => {
    const listed = Object.keys(dotenv.parse(example));
    const schema = createEnvSchema({ knownTools: [], readFile: () => '' });
    const platforms = PLATFORM_SECTIONS.flatMap((section) => Object.keys(section.fields));
    expect(listed.sort()).toEqual([...Object.keys(schema.in.shape), ...platforms].sort());
  });

  it('shows the defaults: copied as it is, it configures what no file does', () => {
    const key = { OPENAI_API_KEY: 'sk-test' };
    expect(
      loadConfig(
        { ...dotenv.parse(example), ...key },
        { knownTools: KNOWN_TOOLS, platforms: PLATFORM_SECTIONS },
      ),
    ).toEqual(loadConfig(key, { knownTools: KNOWN_TOOLS, platforms: PLATFORM_SECTIONS }));
  });
});
