import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import dotenv from 'dotenv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configFromEnv } from '../src/configure.js';

const root = join(import.meta.dirname, '..');

interface ComposeService {
  build?: string;
  image?: string;
  env_file?: string | string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  ports?: string[];
}

const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const instances = Object.entries(compose.services).filter(([, service]) => service.build !== undefined);

/** An instance's configuration as the bot would load it: .env.example, secrets filled in, then compose's. */
function configOf(service: ComposeService) {
  const example = dotenv.parse(readFileSync(join(root, '.env.example'), 'utf8'));
  return configFromEnv({
    ...example,
    OPENAI_API_KEY: 'sk-test',
    DISCORD_TOKEN: 'discord-token',
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: 'signing-secret',
    SLACK_APP_TOKEN: 'xapp-from-the-env-file',
    ...service.environment,
  });
}

describe('docker-compose.yml', () => {
  it('runs a Redis with a healthcheck and two threadloom instances built from the Dockerfile', () => {
    const redis = compose.services.redis;
    expect(redis?.image).toMatch(/^redis:/);
    expect(redis?.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(instances.map(([name]) => name)).toEqual(['threadloom-1', 'threadloom-2']);
    for (const [, service] of instances) {
      expect(service.build).toBe('.');
      expect(service.env_file).toBe('.env');
      expect(service.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
      expect(service.healthcheck?.test.join(' ')).toContain('/readyz');
    }
  });

  it('points both instances at the same Redis store, the compose service', () => {
    const urls = instances.map(([, service]) => service.environment?.STORE_URL);
    expect(urls).toEqual(['redis://redis:6379', 'redis://redis:6379']);
    for (const [, service] of instances) {
      expect(configOf(service).store).toEqual({ kind: 'redis', url: 'redis://redis:6379' });
    }
  });

  it('splits the Discord gateway into shard 0 and shard 1 of 2', () => {
    expect(instances.map(([, service]) => configOf(service).platforms.discord?.shards)).toEqual([
      { ids: [0], count: 2 },
      { ids: [1], count: 2 },
    ]);
  });

  it('serves Slack in HTTP mode on a port of its own per instance, whatever .env says', () => {
    const ports = instances.map(([, service]) => service.ports ?? []);
    expect(ports).toEqual([['3001:3000'], ['3002:3000']]);
    for (const [, service] of instances) {
      const config = configOf(service);
      expect(config.port).toBe(3000);
      expect(config.platforms.slack?.appToken).toBeUndefined();
      expect(config.platforms.slack?.signingSecret).toBe('signing-secret');
    }
  });
});
