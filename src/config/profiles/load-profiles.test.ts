import { describe, expect, it } from 'vitest';
import {
  assistant,
  deps,
  FILE,
  files,
  KNOWN_TOOLS,
  ORDERS_TOOL,
  parse,
  problems,
} from '../../../test/support/profiles-fixture.js';
import { PLATFORM_SECTIONS } from '../../adapters/registry.js';
import { loadConfig } from '../load-config.js';
import { defaultProfiles, loadProfilesFile } from './load-profiles.js';

describe('profiles from the environment alone', () => {
  it('make one default profile of the assistant variables, used everywhere', () => {
    expect(defaultProfiles(assistant)).toEqual({
      file: undefined,
      profiles: new Map([
        [
          'default',
          {
            model: 'o3',
            instructions: 'From the environment.',
            codeInterpreter: true,
            fileSearch: false,
            webSearch: false,
            imageGeneration: false,
            functionTools: ['current_time'],
            mcpServers: [],
            vectorStoreIds: ['vs_env'],
            temperature: undefined,
            reasoningEffort: undefined,
          },
        ],
      ]),
      defaultProfile: 'default',
      directMessages: 'default',
      channels: new Map(),
      httpTools: [],
      mcpServers: [],
    });
  });

  it('are what loadConfig gives without PROFILES_FILE', () => {
    const config = loadConfig(
      { OPENAI_API_KEY: 'sk-x', ASSISTANT_MODEL: 'gpt-4.1' },
      { knownTools: KNOWN_TOOLS, platforms: PLATFORM_SECTIONS },
    );
    expect(config.profiles).toEqual(defaultProfiles(config.assistant));
    expect(config.profiles.profiles.get('default')?.model).toBe('gpt-4.1');
  });
});

describe('a profiles file', () => {
  it('defines profiles over the environment, and maps channels and DMs', () => {
    const profiles = parse(
      `
profiles:
  support:
    model: gpt-4.1-mini
    instructions_file: prompts/support.md
    tools: [file_search, order_status, docs]
    vector_store_ids: [vs_help]
    temperature: 0.2
  research:
    reasoning_effort: high
default: research
direct_messages: support
channels:
  "discord:111/222": support
  "slack:T1/C1": default
${ORDERS_TOOL}
mcp_servers:
  - server_label: docs
    server_url: https://mcp.example.com/mcp
`,
      { readFile: files({ '/etc/threadloom/prompts/support.md': '  Help customers.\n' }) },
    );
    expect(profiles.file).toBe(FILE);
    expect([...profiles.profiles.keys()]).toEqual(['default', 'support', 'research']);
    expect(profiles.profiles.get('support')).toEqual({
      model: 'gpt-4.1-mini',
      instructions: 'Help customers.',
      codeInterpreter: false,
      fileSearch: true,
      webSearch: false,
      imageGeneration: false,
      functionTools: ['order_status'],
      mcpServers: ['docs'],
      vectorStoreIds: ['vs_help'],
      temperature: 0.2,
      reasoningEffort: undefined,
    });
    // What a profile leaves out comes from the environment.
    expect(profiles.profiles.get('research')).toEqual({
      ...profiles.profiles.get('default'),
      reasoningEffort: 'high',
    });
    expect(profiles.defaultProfile).toBe('research');
    expect(profiles.directMessages).toBe('support');
    expect(profiles.channels).toEqual(
      new Map([
        ['discord:111/222', 'support'],
        ['slack:T1/C1', 'default'],
      ]),
    );
  });

  it('uses the default profile for DMs unless direct_messages says otherwise', () => {
    const profiles = parse('profiles:\n  calm: { temperature: 0 }\ndefault: calm\n');
    expect(profiles.directMessages).toBe('calm');
  });

  it('is an empty configuration when empty', () => {
    expect(parse('')).toEqual({ ...defaultProfiles(assistant), file: FILE });
  });

  it('lists every problem of its shape by path', () => {
    expect(
      problems(`
profiles:
  support:
    model: 42
    modle: gpt-4.1
    temperature: 3
    reasoning_effort: extreme
  "bad name!": {}
http_tools:
  - name: x
    url: https://api.example.com
    timeout_ms: 0
    method: TRACE
mcp_servers:
  - server_label: docs
    server_url: ftp://mcp.example.com
    require_approval: sometimes
`),
    ).toEqual([
      expect.stringMatching(/^profiles\.support\.model: .*expected string/),
      expect.stringMatching(/^profiles\.support\.temperature: .*<=2/),
      expect.stringMatching(/^profiles\.support\.reasoning_effort: /),
      expect.stringMatching(/^profiles\.support: Unrecognized key: "modle"/),
      expect.stringMatching(/^http_tools\[0\]\.description: /),
      expect.stringMatching(/^http_tools\[0\]\.method: /),
      expect.stringMatching(/^http_tools\[0\]\.timeout_ms: /),
      expect.stringMatching(/^mcp_servers\[0\]\.server_url: must be an http\(s\) URL/),
      expect.stringMatching(/^mcp_servers\[0\]\.require_approval: /),
    ]);
    expect(problems('profiles:\n  "bad name!": {}\n')).toEqual([
      'profiles.bad name!: must be named with 1 to 64 letters, digits, _ or -',
    ]);
  });

  it('enables web search and image generation by name, and refuses them on the assistants backend', () => {
    const yaml = `
profiles:
  artist:
    tools: [image_generation, web_search]
`;
    expect(parse(yaml).profiles.get('artist')).toMatchObject({
      codeInterpreter: false,
      webSearch: true,
      imageGeneration: true,
      functionTools: [],
    });
    expect(problems(yaml, { assistant: { ...assistant, backend: 'assistants' } })).toEqual([
      'profiles.artist.tools: names web_search and image_generation, which only the responses backend has (ASSISTANT_BACKEND=assistants)',
    ]);
  });

  it('lists every problem of its references by path', () => {
    expect(
      problems(`
profiles:
  support:
    tools: [code_interpreter, wether, order_status]
    instructions: Inline.
    instructions_file: missing.md
  other:
    instructions_file: missing.md
default: nobody
direct_messages: ghost
channels:
  "discord:111": support
  "slack:T1/C1": phantom
${ORDERS_TOOL}
  - name: current_time
    description: Shadows a built-in tool.
    url: https://api.example.com/time
`),
    ).toEqual([
      'http_tools[1].name: "current_time" is already a tool',
      expect.stringMatching(
        /^profiles\.support\.tools\[1\]: names unknown tool "wether"; known: code_interpreter, file_search, web_search, image_generation, current_time, order_status/,
      ),
      'profiles.support.instructions_file: cannot be set together with instructions; set only one of them',
      expect.stringMatching(
        /^profiles\.other\.instructions_file: could not be read \(ENOENT.*\/etc\/threadloom\/missing\.md/,
      ),
      'default: names no profile "nobody"; profiles are default, support, other',
      'channels.discord:111: must be keyed discord:<guild id>/<channel id> or slack:<team id>/<channel id>',
      'channels.slack:T1/C1: names no profile "phantom"; profiles are default, support, other',
      'direct_messages: names no profile "ghost"; profiles are default, support, other',
    ]);
  });

  it('says where YAML syntax breaks', () => {
    expect(problems('profiles:\n  support: [unclosed\n')).toEqual([
      expect.stringMatching(/^line \d+ column \d+: /),
    ]);
  });

  it('reports a file that cannot be read', () => {
    expect(() => loadProfilesFile('/nowhere/profiles.yaml', deps())).toThrow(
      /\(file\): could not be read \(ENOENT/,
    );
  });

  it('stops loadConfig with the file problems', () => {
    expect(() =>
      loadConfig(
        { OPENAI_API_KEY: 'sk-x', PROFILES_FILE: FILE },
        {
          knownTools: KNOWN_TOOLS,
          platforms: PLATFORM_SECTIONS,
          readFile: files({ [FILE]: 'profiles:\n  support:\n    model: 42\n' }),
        },
      ),
    ).toThrow(/profiles\.support\.model: .*expected string/);
  });
});
