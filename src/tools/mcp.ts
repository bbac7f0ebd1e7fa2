/** The values of an MCP server's `require_approval`. */
export const MCP_APPROVALS = ['always', 'never'] as const;
export type McpApproval = (typeof MCP_APPROVALS)[number];

/** A remote MCP server the model may use, declared in the profiles file, its headers resolved. */
export interface McpServerSpec {
  serverLabel: string;
  serverUrl: string;
  serverDescription: string | undefined;
  /** Only these of the server's tools; undefined: all of them. */
  allowedTools: readonly string[] | undefined;
  /** Sent to the MCP server by the model service, with every call: already resolved from the environment. */
  headers: Readonly<Record<string, string>>;
  requireApproval: McpApproval;
}

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

/**
 * The `mcp` tools of a request: one per server label the profile enables, in the profile's order.
 * Labels without a server are skipped (configuration already refuses them).
 */
export function mcpTools(enabled: readonly string[], servers: readonly McpServerSpec[]): McpToolParam[] {
  return enabled.flatMap((label) => {
    const server = servers.find((candidate) => candidate.serverLabel === label);
    if (server === undefined) return [];
    return [
      {
        type: 'mcp',
        server_label: server.serverLabel,
        server_url: server.serverUrl,
        ...(server.serverDescription === undefined ? {} : { server_description: server.serverDescription }),
        ...(server.allowedTools === undefined ? {} : { allowed_tools: [...server.allowedTools] }),
        ...(Object.keys(server.headers).length === 0 ? {} : { headers: { ...server.headers } }),
        require_approval: server.requireApproval,
      },
    ];
  });
}
