import { describe, expect, it } from 'vitest';
import type { AssistantConfig } from '../types.js';
import { parseProfiles } from './load-profiles.js';
import { selectProfile } from './select-profile.js';

const assistant = {
  model: 'o3',
  instructions: 'Env.',
  codeInterpreter: true,
  fileSearch: true,
  webSearch: false,
  imageGeneration: false,
  functionTools: [],
  vectorStoreIds: [],
} as unknown as AssistantConfig;
const profiles = parseProfiles(
  `
profiles:
  support: { model: support-model }
  research: { model: research-model }
  private: { model: dm-model }
direct_messages: private
channels:
  "discord:G1/C-support": support
  "discord:G1/T-own-thread": research
  "slack:T1/C-research": research
`,
  '/etc/threadloom/profiles.yaml',
  { env: {}, assistant, knownTools: [], readFile: () => '' },
);
const pick = (where: Parameters<typeof selectProfile>[1]) => {
  const { name, profile } = selectProfile(profiles, where);
  return `${name}:${profile.model}`;
};

describe('selectProfile', () => {
  it('gives a mapped channel its profile', () => {
    expect(pick({ platform: 'discord', space: 'G1', channel: 'C-support', isDirect: false })).toBe(
      'support:support-model',
    );
    expect(pick({ platform: 'slack', space: 'T1', channel: 'C-research', isDirect: false })).toBe(
      'research:research-model',
    );
  });

  it('gives direct messages the direct_messages profile, whatever the channel', () => {
    expect(pick({ platform: 'discord', channel: 'DM-1', isDirect: true })).toBe('private:dm-model');
    expect(pick({ platform: 'slack', space: 'T1', channel: 'C-research', isDirect: true })).toBe(
      'private:dm-model',
    );
  });

  it('gives everything else the default profile, the environment one here', () => {
    expect(pick({ platform: 'discord', space: 'G1', channel: 'C-other', isDirect: false })).toBe(
      'default:o3',
    );
    expect(pick({ platform: 'discord', space: 'G2', channel: 'C-support', isDirect: false })).toBe(
      'default:o3',
    );
    expect(pick({ platform: 'slack', space: 'T1', channel: 'C-support', isDirect: false })).toBe(
      'default:o3',
    );
    expect(pick({ platform: 'console', channel: 'session', isDirect: false })).toBe('default:o3');
  });

  it("lets a thread inherit its parent channel's profile, unless the thread has its own", () => {
    expect(
      pick({
        platform: 'discord',
        space: 'G1',
        channel: 'T-123',
        parentChannel: 'C-support',
        isDirect: false,
      }),
    ).toBe('support:support-model');
    expect(
      pick({
        platform: 'discord',
        space: 'G1',
        channel: 'T-own-thread',
        parentChannel: 'C-support',
        isDirect: false,
      }),
    ).toBe('research:research-model');
    expect(
      pick({ platform: 'discord', space: 'G1', channel: 'T-9', parentChannel: 'C-other', isDirect: false }),
    ).toBe('default:o3');
  });

  it('never takes a key from the object prototype for a mapping', () => {
    expect(pick({ platform: 'discord', space: 'G1', channel: '__proto__', isDirect: false })).toBe(
      'default:o3',
    );
  });
});
