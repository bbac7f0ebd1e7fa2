import type { McpServerSpec } from '../config/profiles/mcp-server-spec.js';
import type { McpToolParam } from '../core/tool-definition.js';

export { MCP_APPROVALS, type McpApproval } from '../core/tool-definition.js';
export type { McpServerSpec, McpToolParam };

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
