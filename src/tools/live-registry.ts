import { createToolRegistry, type ToolRegistry, type ToolRegistryOptions } from './registry.js';
import type { FunctionTool } from './tool.js';

/** A registry whose tools can be swapped while the bot runs (profiles reloaded). */
export interface LiveToolRegistry extends ToolRegistry {
  /**
   * Replaces the tools and the enabled names; calls already running finish with the tools they
   * started with. @throws Error as `createToolRegistry` does, keeping the tools in force.
   */
  replace(tools: readonly FunctionTool[], enabled: readonly string[]): void;
}

/** A `ToolRegistry` that delegates to the latest `createToolRegistry(tools, enabled)`. */
export function createLiveToolRegistry(
  tools: readonly FunctionTool[],
  enabled: readonly string[],
  options: ToolRegistryOptions = {},
): LiveToolRegistry {
  let current = createToolRegistry(tools, enabled, options);
  return {
    definitions: () => current.definitions(),
    has: (name) => current.has(name),
    requiresApproval: (name) => current.requiresApproval(name),
    execute: (call, context) => current.execute(call, context),
    replace(nextTools, nextEnabled) {
      current = createToolRegistry(nextTools, nextEnabled, options);
    },
  };
}
