import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createProfileSource, selectProfile } from '../../src/config/profiles/index.js';
import { configFromEnv } from '../../src/configure.js';
import { conversationKey } from '../../src/core/conversation.js';
import { ConfigError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { mcpTools } from '../../src/tools/mcp.js';

const root = join(import.meta.dirname, '..', '..');
const EXAMPLE = join(root, 'examples', 'profiles.yaml');
const TOKENS = {
  ORDERS_API_TOKEN: 'orders-token',
  HELPDESK_API_KEY: 'helpdesk-key',
  DOCS_MCP_TOKEN: 'docs-token',
};

describe('examples/profiles.yaml', () => {
  it('loads, validates and maps as the docs say', () => {
    const config = configFromEnv({ OPENAI_API_KEY: 'sk-x', PROFILES_FILE: EXAMPLE, ...TOKENS });
    const { profiles } = config;
    expect([...profiles.profiles.keys()]).toEqual(['default', 'general', 'support', 'research']);
    const where = (channel: string, parentChannel?: string) =>
      selectProfile(profiles, {
        platform: 'discord',
        space: '112233445566778899',
        channel,
        parentChannel,
        isDirect: false,
      }).name;
    expect(where('999')).toBe('general');
    expect(where('123', '223344556677889900')).toBe('support');
    expect(
      selectProfile(profiles, { platform: 'slack', space: 'T0123ABCD', channel: 'D1', isDirect: true }).name,
    ).toBe('research');
    const support = profiles.profiles.get('support');
    expect(support?.instructions).toMatch(/^You are the support assistant of Example Ltd\./);
    expect(support?.functionTools).toEqual(['order_status', 'create_ticket']);
    expect(profiles.httpTools.map((t) => [t.name, t.headers, t.allowedHosts, t.requireApproval])).toEqual([
      [
        'order_status',
        { Authorization: 'Bearer orders-token', Accept: 'application/json' },
        ['api.example.com'],
        false,
      ],
      ['create_ticket', { 'X-Api-Key': 'helpdesk-key' }, ['helpdesk.example.com'], true],
    ]);
    expect(mcpTools(support?.mcpServers ?? [], profiles.mcpServers)).toEqual([
      {
        type: 'mcp',
        server_label: 'docs',
        server_url: 'https://mcp.example.com/mcp',
        server_description: 'Product documentation search.',
        allowed_tools: ['search', 'fetch'],
        headers: { Authorization: 'Bearer docs-token' },
        require_approval: 'never',
      },
    ]);
  });

  it('names every secret it misses by path', () => {
    try {
      configFromEnv({ OPENAI_API_KEY: 'sk-x', PROFILES_FILE: EXAMPLE });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([
        {
          variable: 'http_tools[0].headers.Authorization',
          problem: 'environment variable ORDERS_API_TOKEN is not set',
        },
        {
          variable: 'http_tools[1].headers.X-Api-Key',
          problem: 'environment variable HELPDESK_API_KEY is not set',
        },
        {
          variable: 'mcp_servers[0].headers.Authorization',
          problem: 'environment variable DOCS_MCP_TOKEN is not set',
        },
      ]);
    }
  });

  it('is the example docs/profiles-and-tools.md shows', () => {
    const readme = readFileSync(join(root, 'docs', 'profiles-and-tools.md'), 'utf8');
    expect(readme).toContain(`\`\`\`yaml\n${readFileSync(EXAMPLE, 'utf8')}\`\`\``);
  });
});

describe('HTTP tools in the running app', () => {
  let server: Server;
  let port: number;
  let dir: string;
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      res.end(JSON.stringify({ path: req.url }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    dir = mkdtempSync(join(tmpdir(), 'threadloom-app-profiles-'));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const file = (tool: string, path: string) => `
profiles:
  support: { tools: [${tool}] }
default: support
http_tools:
  - name: ${tool}
    description: Calls the local service.
    parameters: { type: object, properties: { id: { type: string } }, required: [id] }
    url: http://127.0.0.1:${port}/${path}/{id}
    headers: { Authorization: "Bearer \${env:LOCAL_TOKEN}" }
    allow_private_addresses: true
`;

  it('runs the declared tools with headers from the environment, and swaps them on reload', async () => {
    const profilesFile = join(dir, 'profiles.yaml');
    writeFileSync(profilesFile, file('lookup', 'items'));
    const env = {
      OPENAI_API_KEY: 'sk-x',
      OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
      STORE_URL: `sqlite://${join(dir, 'store.sqlite')}`,
      PROFILES_FILE: profilesFile,
      LOCAL_TOKEN: 'local-secret',
      THREAD_TTL_DAYS: '0',
    };
    const config = configFromEnv(env);
    const profiles = createProfileSource({
      initial: config.profiles,
      // As main.ts does, with the environment as it is at reload: the token was rotated meanwhile.
      load: () => configFromEnv({ ...env, LOCAL_TOKEN: 'rotated-secret' }).profiles,
      logger: silentLogger(),
    });
    const app = await createApp(config, silentLogger(), { profiles });
    try {
      const context = {
        signal: new AbortController().signal,
        key: conversationKey('console', 't'),
        userId: 'u',
        timeoutMs: 5_000,
      };
      expect(await app.tools.execute({ name: 'lookup', arguments: '{"id":"a b"}' }, context)).toEqual({
        output: '{"path":"/items/a%20b"}',
        isError: false,
      });
      expect(seen[0]?.headers.authorization).toBe('Bearer local-secret');

      writeFileSync(profilesFile, file('find', 'things'));
      expect(app.profiles.reload('SIGHUP')).toMatchObject({ ok: true, changed: true });
      expect(app.tools.has('lookup')).toBe(false);
      expect(await app.tools.execute({ name: 'find', arguments: '{"id":"7"}' }, context)).toEqual({
        output: '{"path":"/things/7"}',
        isError: false,
      });
      expect(seen[1]?.headers.authorization).toBe('Bearer rotated-secret');
    } finally {
      await app.close();
    }
  });
});
