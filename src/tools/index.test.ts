import { describe, expect, it } from 'vitest';
import { BUILT_IN_TOOLS, createToolRegistry, KNOWN_TOOL_NAMES } from './index.js';

describe('built-in tools', () => {
  it('names every built-in tool once', () => {
    expect(KNOWN_TOOL_NAMES).toEqual(['current_time']);
    expect(new Set(KNOWN_TOOL_NAMES).size).toBe(BUILT_IN_TOOLS.length);
  });

  it('can all be enabled together and declared to the model', () => {
    const registry = createToolRegistry(BUILT_IN_TOOLS, KNOWN_TOOL_NAMES);
    expect(registry.definitions().map((d) => d.name)).toEqual(KNOWN_TOOL_NAMES);
  });
});
