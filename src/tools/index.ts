import { currentTimeTool } from './current-time.js';
import type { FunctionTool } from './tool.js';

export {
  DEFAULT_HTTP_TOOL,
  HTTP_METHODS,
  type HttpMethod,
  type HttpToolSpec,
  httpToolParameters,
} from '../config/profiles/http-tool-spec.js';
export { createCurrentTimeTool, currentTimeTool } from './current-time.js';
export { isPublicAddress } from './http/address-guard.js';
export { createHttpTool, type HttpTool } from './http/http-tool.js';
export { MCP_APPROVALS, type McpApproval, type McpServerSpec, type McpToolParam, mcpTools } from './mcp.js';
export {
  createToolRegistry,
  DEFAULT_MAX_OUTPUT_CHARS,
  type ToolCallRequest,
  type ToolExecutionContext,
  type ToolRegistry,
  type ToolRegistryOptions,
} from './registry.js';
export {
  defineTool,
  type FunctionDefinition,
  type FunctionTool,
  type ToolContext,
  type ToolResult,
} from './tool.js';

/** Every function tool shipped with the bot; `ASSISTANT_TOOLS` chooses among them. Add new tools here. */
export const BUILT_IN_TOOLS: readonly FunctionTool[] = [currentTimeTool];

/** The names `ASSISTANT_TOOLS` may use beside `code_interpreter` and `file_search`. */
export const KNOWN_TOOL_NAMES: readonly string[] = BUILT_IN_TOOLS.map((tool) => tool.name);
