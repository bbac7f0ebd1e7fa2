import { z } from 'zod';
import { MCP_APPROVALS } from '../../core/tool-definition.js';
import { MAX_TIMER_MS } from '../fields.js';
import { HTTP_METHODS } from './http-tool-spec.js';
import { REASONING_EFFORTS } from './types.js';

/**
 * The shape of the profiles file, as written (snake_case). Objects are strict, so a misspelt key is
 * a problem rather than silently ignored. Cross-references (tool names, profile names) and the
 * environment are checked after this, in `load-profiles.ts`.
 */

/** Names of profiles, HTTP tools and MCP servers: what OpenAI allows for function names. */
const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const name = (what: string) =>
  z.string().regex(NAME, { error: `must be a ${what} of 1 to 64 letters, digits, _ or -` });

/** An environment variable's name. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A header value: text that may hold `${env:NAME}`, or `{ env: NAME }`. */
const headerValue = z.union([
  z.string(),
  z.strictObject({ env: z.string().regex(ENV_NAME, { error: 'must be an environment variable name' }) }),
]);
const headers = z.record(
  z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { error: 'must be an HTTP header name' }),
  headerValue,
);

/** 10 MiB: the most any one tool answer may be; the registry cuts outputs far shorter anyway. */
export const MAX_RESPONSE_BYTES_LIMIT = 10 * 1024 * 1024;

const profile = z.strictObject({
  model: z.string().min(1).optional(),
  instructions: z.string().min(1).optional(),
  instructions_file: z.string().min(1).optional(),
  tools: z.array(z.string()).optional(),
  vector_store_ids: z.array(z.string().min(1)).optional(),
  temperature: z.number().min(0).max(2).optional(),
  reasoning_effort: z.enum(REASONING_EFFORTS).optional(),
});

const httpTool = z.strictObject({
  name: name('tool name'),
  description: z.string().min(1),
  parameters: z.record(z.string(), z.unknown()).default({ type: 'object', properties: {} }),
  method: z.enum(HTTP_METHODS).default('GET'),
  url: z.string().min(1),
  headers: headers.default({}),
  body: z.unknown().optional(),
  timeout_ms: z.number().int().min(1).max(MAX_TIMER_MS).optional(),
  max_response_bytes: z.number().int().min(1).max(MAX_RESPONSE_BYTES_LIMIT).optional(),
  allowed_hosts: z.array(z.string().min(1)).min(1).optional(),
  allow_private_addresses: z.boolean().default(false),
  require_approval: z.boolean().default(false),
});

const mcpServer = z.strictObject({
  server_label: name('server label'),
  server_url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  server_description: z.string().min(1).optional(),
  allowed_tools: z.array(z.string().min(1)).optional(),
  headers: headers.default({}),
  require_approval: z.enum(MCP_APPROVALS).default('always'),
});

/** The whole file. An empty file is an empty object: the environment's default profile alone. */
export const profilesFileSchema = z.strictObject({
  profiles: z.record(z.string(), profile).default({}),
  default: z.string().optional(),
  direct_messages: z.string().optional(),
  channels: z.record(z.string(), z.string()).default({}),
  http_tools: z.array(httpTool).default([]),
  mcp_servers: z.array(mcpServer).default([]),
});

export type ProfilesFile = z.output<typeof profilesFileSchema>;
export type ProfileEntry = z.output<typeof profile>;
export type HttpToolEntry = z.output<typeof httpTool>;
export type McpServerEntry = z.output<typeof mcpServer>;
export type HeaderEntries = z.output<typeof headers>;
