import type { MessagePlace } from '../../core/messages.js';
import type { HttpToolSpec } from './http-tool-spec.js';
import type { McpServerSpec } from './mcp-server-spec.js';

/** The values of a profile's `reasoning_effort` (the Responses API's `reasoning.effort`). */
export const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

/**
 * One assistant profile, resolved: what a run needs to know about the assistant. Mirrors the tool
 * fields of `AssistantConfig`, so the default profile is the environment's assistant as it is.
 */
export interface Profile {
  model: string;
  instructions: string;
  codeInterpreter: boolean;
  fileSearch: boolean;
  /** Responses backend only: the hosted web search and image generation. */
  webSearch: boolean;
  imageGeneration: boolean;
  /** Function tools enabled: built-in tools and the file's HTTP tools, by name. */
  functionTools: readonly string[];
  /** MCP servers enabled, by `server_label` (see `Profiles.mcpServers`). */
  mcpServers: readonly string[];
  vectorStoreIds: readonly string[];
  /** Unset: the model's default. */
  temperature: number | undefined;
  /** Unset: the model's default. */
  reasoningEffort: ReasoningEffort | undefined;
}

/** The name of the profile the environment defines, and of the one used when nothing else is mapped. */
export const DEFAULT_PROFILE_NAME = 'default' as const satisfies string;

/** Every profile and where each is used: the profiles file, or the environment alone. */
export interface Profiles {
  /** The profiles file they were read from; undefined when the environment alone defines them. */
  file: string | undefined;
  /** By name; always holds the default profile and every profile that a mapping names. */
  profiles: ReadonlyMap<string, Profile>;
  /** The profile used wherever no mapping says otherwise. */
  defaultProfile: string;
  /** The profile for direct messages (the default profile unless the file says). */
  directMessages: string;
  /** `discord:<guild>/<channel>` or `slack:<team>/<channel>` to profile name. */
  channels: ReadonlyMap<string, string>;
  /** Every declared HTTP tool; profiles enable them by name. */
  httpTools: readonly HttpToolSpec[];
  /** Every declared MCP server; profiles enable them by label. */
  mcpServers: readonly McpServerSpec[];
}

/** Where a message was written, for choosing its profile: the adapters' `MessagePlace`. */
export type ProfileLocation = MessagePlace;

/** The profile chosen for a location. */
export interface SelectedProfile {
  name: string;
  profile: Profile;
}
