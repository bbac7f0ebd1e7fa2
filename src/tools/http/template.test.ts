import { describe, expect, it } from 'vitest';
import { placeholdersInBody, urlPlaceholders } from '../../config/profiles/placeholders.js';
import { fillBody, fillUrl } from './template.js';

describe('URL templates', () => {
  it('encodes every value so that it stays inside its segment', () => {
    expect(fillUrl('https://h/a/{id}/b', { id: '../x?y#z' })).toBe('https://h/a/..%2Fx%3Fy%23z/b');
  });

  it('fills numbers and booleans as text', () => {
    expect(fillUrl('https://h/{n}?f={f}', { n: 7, f: false })).toBe('https://h/7?f=false');
  });

  it('leaves out query parameters without a value, and refuses a path placeholder without one', () => {
    expect(fillUrl('https://h/p?a={a}&b={b}&c=1', { b: 'x y' })).toBe('https://h/p?b=x%20y&c=1');
    expect(fillUrl('https://h/p?a={a}', {})).toBe('https://h/p');
    expect(() => fillUrl('https://h/{id}', {})).toThrow('parameter "id" is required');
  });

  it('tells where placeholders stand', () => {
    expect(urlPlaceholders('https://{region}.h:8080/o/{id}?q={q}')).toEqual({
      origin: ['region'],
      path: ['id'],
      query: ['q'],
    });
  });
});

describe('body templates', () => {
  it('keeps the JSON type of whole-string placeholders and drops members without a value', () => {
    const template = {
      id: '{id}',
      n: '{n}',
      tags: ['{tag}', 'fixed'],
      text: 'order {id}: {missing}',
      gone: '{missing}',
      keep: 3,
    };
    expect(fillBody(template, { id: 'A', n: 2, tag: { x: 1 } })).toEqual({
      id: 'A',
      n: 2,
      tags: [{ x: 1 }, 'fixed'],
      text: 'order A: ',
      keep: 3,
    });
  });

  it('lists the placeholders of a body', () => {
    expect(placeholdersInBody({ a: '{x}', b: ['{y} and {z}'], '{k}': 1 })).toEqual(['x', 'y', 'z', 'k']);
  });
});
