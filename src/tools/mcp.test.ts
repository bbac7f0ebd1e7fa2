import type { Tool } from 'openai/resources/responses/responses';
import { describe, expect, it } from 'vitest';
import { type McpServerSpec, mcpTools } from './mcp.js';

const servers: McpServerSpec[] = [
  {
    serverLabel: 'docs',
    serverUrl: 'https://mcp.example.com/mcp',
    serverDescription: 'Product documentation.',
    allowedTools: ['search', 'fetch'],
    headers: { Authorization: 'Bearer resolved' },
    requireApproval: 'never',
  },
  {
    serverLabel: 'tickets',
    serverUrl: 'https://tickets.example.com/mcp',
    serverDescription: undefined,
    allowedTools: undefined,
    headers: {},
    requireApproval: 'always',
  },
];

describe('mcpTools', () => {
  it("maps a profile's servers to Responses API mcp tools, in the profile's order", () => {
    const tools = mcpTools(['tickets', 'docs'], servers);
    expect(tools).toEqual([
      {
        type: 'mcp',
        server_label: 'tickets',
        server_url: 'https://tickets.example.com/mcp',
        require_approval: 'always',
      },
      {
        type: 'mcp',
        server_label: 'docs',
        server_url: 'https://mcp.example.com/mcp',
        server_description: 'Product documentation.',
        allowed_tools: ['search', 'fetch'],
        headers: { Authorization: 'Bearer resolved' },
        require_approval: 'never',
      },
    ]);
    // The SDK's own request type accepts them as they are.
    const asSdk: Tool[] = tools;
    expect(asSdk).toHaveLength(2);
  });

  it('gives nothing for a profile without servers', () => {
    expect(mcpTools([], servers)).toEqual([]);
  });
});
