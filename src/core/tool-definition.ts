/*
 * How tools are declared to the model service: what backends send, what tools/ and config/ produce.
 */

/** A tool as declared to the model service. */
export interface FunctionDefinition {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** The values of an MCP server's `require_approval`. */
export const MCP_APPROVALS = ['always', 'never'] as const;
export type McpApproval = (typeof MCP_APPROVALS)[number];

/** The Responses API's `mcp` tool (the `MCPTool` schema), as a request carries it. */
export interface McpToolParam {
  type: 'mcp';
  server_label: string;
  server_url: string;
  server_description?: string;
  allowed_tools?: string[];
  headers?: Record<string, string>;
  require_approval: McpApproval;
}
