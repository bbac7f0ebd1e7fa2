import { describe, expect, it } from 'vitest';
import { parseProfiles } from '../../config/profiles/load-profiles.js';
import type { Profiles } from '../../config/profiles/types.js';
import type { AssistantConfig } from '../../config/types.js';
import { conversationKey } from '../../core/conversation.js';
import type { InboundMessage, MessagePlace } from '../../core/messages.js';
import type { FunctionDefinition } from '../../tools/tool.js';
import { chooseProfile } from './profile-choice.js';

const assistant: AssistantConfig = {
  backend: 'responses',
  conversationMode: 'conversations',
  id: undefined,
  name: 'threadloom',
  model: 'o3',
  instructions: 'From the environment.',
  codeInterpreter: false,
  fileSearch: false,
  webSearch: false,
  imageGeneration: false,
  functionTools: ['current_time'],
  vectorStoreIds: [],
};

const profiles: Profiles = parseProfiles(
  `
profiles:
  support: { model: gpt-4.1-mini, tools: [docs, current_time] }
  lab: { model: o4-mini }
direct_messages: lab
channels:
  "discord:G1/C1": support
mcp_servers:
  - server_label: docs
    server_url: https://mcp.example.com/mcp
    require_approval: never
`,
  '/etc/profiles.yaml',
  { env: {}, assistant, knownTools: ['current_time'], readFile: () => '' },
);

const CURRENT_TIME: FunctionDefinition = { name: 'current_time', description: 'Now.', parameters: {} };
const deps = { profiles: () => profiles, tools: { definitions: () => [CURRENT_TIME] } };

const message = (where?: MessagePlace): InboundMessage => ({
  id: 'm1',
  key: conversationKey('discord', 'C1', 'T1'),
  userId: 'u1',
  text: 'hi',
  files: [],
  replyTo: {},
  receivedAt: 0,
  ...(where ? { where } : {}),
});
const inThread = message({
  platform: 'discord',
  space: 'G1',
  channel: 'T1',
  parentChannel: 'C1',
  isDirect: false,
});

describe('choosing the profile of a turn', () => {
  it('selects by place for a new conversation, with its tools resolved', () => {
    const chosen = chooseProfile(deps, inThread, undefined);
    expect(chosen).toMatchObject({ name: 'support', model: 'gpt-4.1-mini', functions: [CURRENT_TIME] });
    expect(chosen?.mcpTools).toEqual([
      {
        type: 'mcp',
        server_label: 'docs',
        server_url: 'https://mcp.example.com/mcp',
        require_approval: 'never',
      },
    ]);
  });

  it('keeps the profile a conversation started with, wherever it now is mapped', () => {
    expect(chooseProfile(deps, inThread, 'lab')?.name).toBe('lab');
  });

  it('selects again when the kept profile no longer exists', () => {
    expect(chooseProfile(deps, inThread, 'removed')?.name).toBe('support');
  });

  it('gives a message that does not say where it was written the default profile', () => {
    expect(chooseProfile(deps, message(), undefined)).toMatchObject({ name: 'default', model: 'o3' });
  });

  it('chooses nothing without profiles', () => {
    expect(chooseProfile({ tools: {} }, inThread, 'support')).toBeUndefined();
  });
});
