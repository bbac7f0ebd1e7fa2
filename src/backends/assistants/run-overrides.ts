import { isDeepStrictEqual } from 'node:util';
import type { RunCreateParamsBase } from 'openai/resources/beta/threads/runs/runs';
import type { RunProfile } from '../backend.js';
import { assistantTools, type DesiredAssistant } from './assistant-sync.js';

/** What a run may set over its assistant object (`POST /threads/{id}/runs`). */
export type RunOverrides = Pick<
  RunCreateParamsBase,
  'model' | 'instructions' | 'tools' | 'temperature' | 'reasoning_effort'
>;

/** What of a profile a run on the Assistants API cannot carry (logged, once per profile). */
export type IgnoredSetting = 'mcp_servers' | 'vector_store_ids';

/**
 * A profile on the Assistants API: one assistant object serves every profile, and each run overrides
 * what its profile says differently (model, instructions, tools; temperature and reasoning effort when
 * set). The default profile overrides nothing, so its runs are what they were without profiles. What
 * a run cannot override is reported as `ignored`: MCP servers (a Responses API tool) and vector stores
 * (they belong to the assistant or the thread, not to a run).
 */
export function runOverrides(
  profile: RunProfile | undefined,
  assistant: DesiredAssistant,
): { overrides: RunOverrides; ignored: IgnoredSetting[] } {
  if (!profile) return { overrides: {}, ignored: [] };
  const tools = assistantTools(profile, profile.functions);
  const ignored: IgnoredSetting[] = [];
  if (profile.mcpServers.length > 0) ignored.push('mcp_servers');
  if (profile.fileSearch && !isDeepStrictEqual([...profile.vectorStoreIds], [...assistant.vectorStoreIds])) {
    ignored.push('vector_store_ids');
  }
  return {
    overrides: {
      ...(profile.model === assistant.model ? {} : { model: profile.model }),
      ...(profile.instructions === assistant.instructions ? {} : { instructions: profile.instructions }),
      ...(isDeepStrictEqual(tools, assistant.tools) ? {} : { tools }),
      ...(profile.temperature === undefined ? {} : { temperature: profile.temperature }),
      ...(profile.reasoningEffort === undefined ? {} : { reasoning_effort: profile.reasoningEffort }),
    },
    ignored,
  };
}
