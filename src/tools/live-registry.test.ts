import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { conversationKey } from '../core/conversation.js';
import { createLiveToolRegistry } from './live-registry.js';
import { defineTool } from './tool.js';

const tool = (name: string, answer: string, requireApproval = false) =>
  defineTool({ name, description: name, parameters: z.object({}), requireApproval, execute: () => answer });
const context = {
  signal: new AbortController().signal,
  key: conversationKey('console', 't'),
  userId: 'u',
  timeoutMs: 1_000,
};

describe('createLiveToolRegistry', () => {
  it('serves the tools of the latest replace()', async () => {
    const registry = createLiveToolRegistry([tool('a', 'old a')], ['a']);
    expect(await registry.execute({ name: 'a', arguments: '' }, context)).toEqual({
      output: 'old a',
      isError: false,
    });
    registry.replace([tool('a', 'new a'), tool('b', 'b', true)], ['a', 'b']);
    expect(await registry.execute({ name: 'a', arguments: '' }, context)).toEqual({
      output: 'new a',
      isError: false,
    });
    expect(registry.definitions().map((d) => d.name)).toEqual(['a', 'b']);
    expect(registry.requiresApproval('b')).toBe(true);
  });

  it('keeps the tools in force when a replacement is invalid', () => {
    const registry = createLiveToolRegistry([tool('a', 'a')], ['a']);
    expect(() => registry.replace([], ['a'])).toThrow(/"a" is enabled but not defined/);
    expect(registry.has('a')).toBe(true);
  });
});
