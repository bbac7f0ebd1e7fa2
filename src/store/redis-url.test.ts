import { describe, expect, it } from 'vitest';
import { maskRedisUrl } from './redis-url.js';

describe('maskRedisUrl', () => {
  it('keeps a URL without credentials as it is', () => {
    expect(maskRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(maskRedisUrl('rediss://cache.example:6380/3')).toBe('rediss://cache.example:6380/3');
  });

  it('hides a user and password, a password alone, and a lone user name', () => {
    expect(maskRedisUrl('redis://user:pw@host:1')).toBe('redis://***@host:1');
    expect(maskRedisUrl('redis://:pw@host:1')).toBe('redis://***@host:1');
    expect(maskRedisUrl('redis://pw@host:1')).toBe('redis://***@host:1');
  });

  it('drops the query and shows nothing of an unparseable URL', () => {
    expect(maskRedisUrl('redis://host:1?password=pw')).toBe('redis://host:1');
    expect(maskRedisUrl('not a url pw')).not.toContain('pw');
  });
});
