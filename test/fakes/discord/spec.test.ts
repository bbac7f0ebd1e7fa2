import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeSpecs } from '../../support/specs.js';
import type { FakeDiscord } from './fake-discord.js';
import { startFakeDiscord } from './fake-discord.js';
import { RateLimits } from './http/rate-limits.js';
import { checkDiscordConformance, loadDiscordSpec } from './spec.js';

let fake: FakeDiscord;

beforeAll(async () => {
  fake = await startFakeDiscord();
});

afterAll(async () => {
  await fake.close();
});

describeSpecs('the fake against discord-openapi.json', () => {
  it('serves only operations that Discord’s OpenAPI document has, with those methods', () => {
    const spec = loadDiscordSpec();
    const missing = fake.routes
      .filter((r) => !spec.hasOperation(r.method, r.route))
      .map((r) => `${r.method} ${r.route}`);
    expect(fake.routes.length).toBeGreaterThanOrEqual(15);
    expect(missing).toEqual([]);
  });

  it('catches a body that does not match its schema, so the conformance checks can fail', () => {
    const spec = loadDiscordSpec();
    const route = '/channels/{channel_id}/messages';
    const message = { id: '1', type: 0, content: 'hi', channel_id: '2' };
    expect(spec.validateResponse('POST', route, 200, message).join('\n')).toMatch(/author/);
    expect(spec.validateResponse('POST', route, 404, { message: 'Unknown Message', code: 10008 })).toEqual(
      [],
    );
    expect(spec.validateResponse('POST', route, 429, { message: 'slow down', code: 0 })).not.toEqual([]);
    expect(spec.validateRequest('POST', route, { content: 42 })).not.toEqual([]);
    expect(
      checkDiscordConformance(spec, {
        sent: [{ method: 'POST', route, status: 200, body: message }],
        calls: [],
      }),
    ).toHaveLength(1);
  });
});

describe('RateLimits', () => {
  it('counts a bucket per route and major parameter, with headers that say what is left', () => {
    let now = 1_000_000;
    const limits = new RateLimits({ bucket: { limit: 2, windowMs: 1000 }, globalPerSecond: 50 }, () => now);
    const call = (major: string) =>
      limits.check({ method: 'PATCH', path: `/x/${major}`, route: '/x/{id}', major, countsGlobal: true });
    expect(call('a')).toMatchObject({ limited: false, headers: { 'x-ratelimit-remaining': '1' } });
    expect(call('a')).toMatchObject({ limited: false, headers: { 'x-ratelimit-remaining': '0' } });
    expect(call('b')).toMatchObject({ limited: false });
    expect(call('a')).toMatchObject({
      limited: true,
      headers: { 'retry-after': '1', 'x-ratelimit-scope': 'user' },
      body: { retry_after: 1, global: false },
    });
    now += 1000;
    expect(call('a')).toMatchObject({ limited: false });
    expect(limits.sent429).toBe(1);
  });

  it('limits all calls together per second, interaction endpoints excepted', () => {
    const limits = new RateLimits({ bucket: { limit: 100, windowMs: 1000 }, globalPerSecond: 3 }, () => 0);
    const call = (countsGlobal: boolean) =>
      limits.check({ method: 'GET', path: '/y', route: '/y', major: '', countsGlobal });
    for (let i = 0; i < 3; i++) expect(call(true).limited).toBe(false);
    expect(call(false).limited).toBe(false);
    expect(call(true)).toMatchObject({
      limited: true,
      headers: { 'x-ratelimit-global': 'true' },
      body: { global: true },
    });
  });
});
