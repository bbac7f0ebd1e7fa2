import { describe, expect, it } from 'vitest';
import { pathPattern } from './faults.js';
import { paginate } from './paginate.js';
import { parseQuery } from './router.js';

const items = ['a', 'b', 'c', 'd'].map((id) => ({ id }));

describe('list pagination', () => {
  it('lists newest first by default, 20 at a time', () => {
    expect(paginate(items, {})).toEqual({
      object: 'list',
      data: [...items].reverse(),
      first_id: 'd',
      last_id: 'a',
      has_more: false,
    });
  });

  it('pages with limit and after, in either order', () => {
    const page = paginate(items, { limit: '2', order: 'asc' });
    expect([page.data.map((i) => i.id), page.has_more]).toEqual([['a', 'b'], true]);
    const next = paginate(items, { limit: '2', order: 'asc', after: 'b' });
    expect([next.data.map((i) => i.id), next.has_more]).toEqual([['c', 'd'], false]);
    expect(paginate(items, { before: 'b' }).data.map((i) => i.id)).toEqual(['d', 'c']);
  });

  it('gives null ids for an empty list, as the service does', () => {
    expect(paginate([], {})).toMatchObject({ first_id: null, last_id: null, has_more: false });
  });

  it('refuses limits out of range and unknown orders', () => {
    expect(() => paginate(items, { limit: '0' })).toThrow('integer below minimum value');
    expect(() => paginate(items, { limit: '101' })).toThrow('integer above maximum value');
    expect(() => paginate(items, { order: 'up' })).toThrow("Invalid value: 'up'");
  });
});

describe('fault path patterns', () => {
  it('matches one segment for * and {name}, ignoring a /v1 prefix', () => {
    expect(pathPattern('/threads/*/runs').test('/threads/thread_1/runs')).toBe(true);
    expect(pathPattern('/v1/threads/{thread_id}').test('/threads/thread_1')).toBe(true);
    expect(pathPattern('/threads/*').test('/threads/thread_1/runs')).toBe(false);
    expect(pathPattern('/files').test('/files')).toBe(true);
  });
});

describe('query parsing', () => {
  it('reads the SDK array form include[]=...', () => {
    expect(parseQuery(new URLSearchParams('include[]=a&include[]=b&limit=2'))).toEqual({
      include: ['a', 'b'],
      limit: '2',
    });
  });
});
