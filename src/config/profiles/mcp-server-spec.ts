import type { McpApproval } from '../../core/tool-definition.js';

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
