import { expect } from 'vitest';
import { type ProfilesDeps, parseProfiles } from '../../src/config/profiles/load-profiles.js';
import type { AssistantConfig } from '../../src/config/types.js';
import { ConfigError } from '../../src/core/errors.js';

/** What the profiles tests share: the assistant from the environment, a file reader, the parse and its problems. */
/** The built-in tool names, as the composition root hands them to config. */
export const KNOWN_TOOLS = ['current_time'];

export const assistant: AssistantConfig = {
  backend: 'responses',
  conversationMode: 'conversations',
  id: undefined,
  name: 'threadloom',
  model: 'o3',
  instructions: 'From the environment.',
  codeInterpreter: true,
  fileSearch: false,
  webSearch: false,
  imageGeneration: false,
  functionTools: ['current_time'],
  vectorStoreIds: ['vs_env'],
};
export const FILE = '/etc/threadloom/profiles.yaml';
export const files =
  (contents: Record<string, string>) =>
  (path: string): string => {
    const text = contents[path];
    if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
    return text;
  };
export const deps = (overrides: Partial<ProfilesDeps> = {}): ProfilesDeps => ({
  env: {},
  assistant,
  knownTools: ['current_time'],
  readFile: files({}),
  ...overrides,
});
export const parse = (yaml: string, overrides: Partial<ProfilesDeps> = {}) =>
  parseProfiles(yaml, FILE, deps(overrides));

/** The problems of a file that must be refused, as `path: problem` lines. */
export function problems(yaml: string, overrides: Partial<ProfilesDeps> = {}): string[] {
  try {
    parse(yaml, overrides);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(`Invalid configuration in profiles file ${FILE}:`);
    return (error as ConfigError).problems.map((p) => `${p.variable}: ${p.problem}`);
  }
  throw new Error('expected a ConfigError');
}

export const ORDERS_TOOL = `
http_tools:
  - name: order_status
    description: Looks up an order.
    parameters:
      type: object
      properties: { order_id: { type: string } }
      required: [order_id]
    url: https://api.example.com/orders/{order_id}
`;
