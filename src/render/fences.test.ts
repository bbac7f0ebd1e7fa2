import { describe, expect, it } from 'vitest';
import { fenceAfter, isFenceBalanced } from './fences.js';

describe('isFenceBalanced', () => {
  it('holds for text without fences and for closed blocks', () => {
    expect(isFenceBalanced('plain text')).toBe(true);
    expect(isFenceBalanced('```ts\nconst x = 1;\n```\nafter')).toBe(true);
  });

  it('fails for a block left open', () => {
    expect(isFenceBalanced('text\n```python\nprint(1)')).toBe(false);
  });

  it('ignores inline triple backticks, which cannot open a block', () => {
    expect(isFenceBalanced('use ```x``` here\n```x```')).toBe(true);
  });

  it('closes a block only with a bare fence at least as long as the opening one', () => {
    expect(isFenceBalanced('````md\n```js\n```\n````')).toBe(true);
    expect(isFenceBalanced('````md\n```\n')).toBe(false);
    expect(isFenceBalanced('```\n``` not a close\n')).toBe(false);
  });

  it('does not count a fence indented four spaces, which is code', () => {
    expect(isFenceBalanced('    ```\ncode')).toBe(true);
  });
});

describe('fenceAfter', () => {
  it('reports the language of the block left open', () => {
    expect(fenceAfter('```python title="x.py"\nprint(1)')).toEqual({ marker: '```', language: 'python' });
  });

  it('continues from a block already open', () => {
    expect(fenceAfter('more code\n```', { marker: '```', language: 'ts' })).toBeUndefined();
  });
});
