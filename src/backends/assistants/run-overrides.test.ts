import { describe, expect, it } from 'vitest';
import { profileFromAssistant } from '../../config/profiles/load-profiles.js';
import type { AssistantConfig } from '../../config/types.js';
import type { FunctionDefinition } from '../../core/tool-definition.js';
import type { RunProfile } from '../backend.js';
import { desiredAssistant } from './assistant-sync.js';
import { runOverrides } from './run-overrides.js';

const assistant: AssistantConfig = {
  backend: 'assistants',
  conversationMode: 'conversations',
  id: undefined,
  name: 'threadloom',
  model: 'o3',
  instructions: 'From the environment.',
  codeInterpreter: true,
  fileSearch: true,
  webSearch: false,
  imageGeneration: false,
  functionTools: ['current_time'],
  vectorStoreIds: ['vs_env'],
};
const CURRENT_TIME: FunctionDefinition = { name: 'current_time', description: 'Now.', parameters: {} };
const desired = desiredAssistant(assistant, [CURRENT_TIME]);
const asDefault: RunProfile = {
  ...profileFromAssistant(assistant),
  name: 'default',
  functions: [CURRENT_TIME],
  mcpTools: [],
};

describe('a profile on the Assistants API', () => {
  it('overrides nothing for the environment’s own profile, or without a profile', () => {
    expect(runOverrides(asDefault, desired)).toEqual({ overrides: {}, ignored: [] });
    expect(runOverrides(undefined, desired)).toEqual({ overrides: {}, ignored: [] });
  });

  it('overrides what the profile says differently', () => {
    const profile: RunProfile = {
      ...asDefault,
      name: 'lab',
      model: 'gpt-4.1',
      instructions: 'Be brief.',
      codeInterpreter: false,
      fileSearch: false,
      webSearch: false,
      imageGeneration: false,
      functions: [],
      temperature: 0.3,
      reasoningEffort: 'high',
    };
    expect(runOverrides(profile, desired)).toEqual({
      overrides: {
        model: 'gpt-4.1',
        instructions: 'Be brief.',
        tools: [],
        temperature: 0.3,
        reasoning_effort: 'high',
      },
      ignored: [],
    });
  });

  it('reports what a run cannot carry: MCP servers and other vector stores', () => {
    const profile: RunProfile = {
      ...asDefault,
      name: 'docs',
      mcpServers: ['docs'],
      vectorStoreIds: ['vs_other'],
    };
    expect(runOverrides(profile, desired)).toEqual({
      overrides: {},
      ignored: ['mcp_servers', 'vector_store_ids'],
    });
  });
});
