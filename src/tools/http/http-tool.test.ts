import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_HTTP_TOOL, type HttpToolSpec } from '../../config/profiles/http-tool-spec.js';
import { conversationKey } from '../../core/conversation.js';
import { createToolRegistry } from '../registry.js';
import { createHttpTool, type HttpToolOptions } from './http-tool.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let origin: string;
let port: number;
const seen: Seen[] = [];
let route: (req: IncomingMessage, res: ServerResponse) => void;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      route(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  seen.length = 0;
  route = (_req, res) => res.end('{"ok":true}');
});

const spec = (overrides: Partial<HttpToolSpec> = {}): HttpToolSpec => ({
  name: 'order_status',
  description: 'Looks up an order.',
  parameters: {
    type: 'object',
    properties: {
      order_id: { type: 'string', minLength: 1 },
      expand: { type: 'string' },
      quantity: { type: 'integer', minimum: 1 },
    },
    required: ['order_id'],
  },
  method: 'GET',
  url: `${origin}/orders/{order_id}?expand={expand}&v=1`,
  headers: {},
  body: undefined,
  timeoutMs: 2_000,
  maxResponseBytes: DEFAULT_HTTP_TOOL.maxResponseBytes,
  allowedHosts: ['127.0.0.1'],
  allowPrivateAddresses: true,
  requireApproval: false,
  ...overrides,
});

/** Runs one call the way the orchestrator does: through the registry. */
function call(tool: HttpToolSpec, args: unknown, options: HttpToolOptions = {}) {
  const registry = createToolRegistry([createHttpTool(tool, options)], [tool.name]);
  return registry.execute(
    { name: tool.name, arguments: JSON.stringify(args) },
    {
      signal: new AbortController().signal,
      key: conversationKey('console', 't'),
      userId: 'u1',
      timeoutMs: 5_000,
    },
  );
}

describe('HTTP tools: requests', () => {
  it('fills the path and query, URL-encoded, and leaves out a query parameter without a value', async () => {
    const result = await call(spec(), { order_id: 'A/B 7?x=1#y', expand: 'items&all' });
    expect(result).toEqual({ output: '{"ok":true}', isError: false });
    expect(seen[0]?.url).toBe('/orders/A%2FB%207%3Fx%3D1%23y?expand=items%26all&v=1');
    await call(spec(), { order_id: '42' });
    expect(seen[1]?.url).toBe('/orders/42?v=1');
  });

  it('sends the body template filled with typed values, and the configured headers', async () => {
    const tool = spec({
      method: 'POST',
      url: `${origin}/orders/{order_id}/notes`,
      headers: { authorization: 'Bearer from-env', 'x-team': 'support' },
      body: { order: '{order_id}', quantity: '{quantity}', note: 'order {order_id}', expand: '{expand}' },
    });
    const result = await call(tool, { order_id: 'A1', quantity: 3 });
    expect(result.isError).toBe(false);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/orders/A1/notes' });
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({ order: 'A1', quantity: 3, note: 'order A1' });
    expect(seen[0]?.headers).toMatchObject({
      authorization: 'Bearer from-env',
      'x-team': 'support',
      'content-type': 'application/json',
    });
  });

  it('cuts a long body at max_response_bytes while reading, whatever the server says, and says so', async () => {
    let written = 0;
    route = (_req, res) => {
      // Chunked, no Content-Length: only counting while reading can stop it.
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => {
        if (res.destroyed || written >= 10_000_000) {
          clearInterval(timer);
          res.end();
          return;
        }
        res.write('x'.repeat(16_384));
        written += 16_384;
      }, 1);
    };
    const result = await call(spec({ maxResponseBytes: 1_000 }), { order_id: '1' });
    expect(result.isError).toBe(false);
    expect(result.output).toBe(`${'x'.repeat(1_000)}\n[truncated: the response was longer than 1000 bytes]`);
    expect(written).toBeLessThan(10_000_000);
  });

  it('never cuts a character in half at the cap', async () => {
    route = (_req, res) => res.end('ééééé');
    const result = await call(spec({ maxResponseBytes: 5 }), { order_id: '1' });
    expect(result.output).toBe('éé\n[truncated: the response was longer than 5 bytes]');
  });

  it('gives up after timeout_ms with an error output', async () => {
    route = () => {}; // never answers
    const started = Date.now();
    const result = await call(spec({ timeoutMs: 200 }), { order_id: '1' });
    expect(result).toEqual({
      output: 'Error: order_status failed: no complete answer within 200 ms',
      isError: true,
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('turns a non-2xx answer into an error output with the status and body', async () => {
    route = (_req, res) => {
      res.statusCode = 404;
      res.end('{"error":"no such order"}');
    };
    expect(await call(spec(), { order_id: 'nope' })).toEqual({
      output: 'Error: order_status failed: HTTP 404 Not Found: {"error":"no such order"}',
      isError: true,
    });
  });

  it('follows a redirect on the same host, a 303 as a GET without the body', async () => {
    route = (req, res) => {
      if (req.url?.startsWith('/orders')) {
        res.writeHead(303, { location: '/result/1' });
        res.end();
      } else res.end('done');
    };
    const tool = spec({ method: 'POST', url: `${origin}/orders/{order_id}`, body: { id: '{order_id}' } });
    expect((await call(tool, { order_id: '1' })).output).toBe('done');
    expect(seen.map((s) => [s.method, s.url, s.body])).toEqual([
      ['POST', '/orders/1', '{"id":"1"}'],
      ['GET', '/result/1', ''],
    ]);
  });
});

describe('HTTP tools: guards', () => {
  it('refuses a host that is not on the allowlist, without sending anything', async () => {
    const result = await call(spec({ allowedHosts: ['api.example.com'] }), { order_id: '1' });
    expect(result.output).toBe(
      "Error: order_status failed: host 127.0.0.1 is not on this tool's allowed hosts",
    );
    expect(seen).toEqual([]);
  });

  it('refuses a loopback address unless allow_private_addresses is set', async () => {
    const result = await call(spec({ allowPrivateAddresses: false }), { order_id: '1' });
    expect(result.isError).toBe(true);
    expect(result.output).toContain('127.0.0.1 resolves to a non-public address (127.0.0.1)');
    expect(seen).toEqual([]);
  });

  it('checks every address a name resolves to, IPv4-mapped IPv6 included', async () => {
    const tool = spec({
      url: `http://orders.example.com:${port}/orders/{order_id}`,
      allowedHosts: ['orders.example.com'],
      allowPrivateAddresses: false,
    });
    const resolve = async () => [
      { address: '93.184.215.14', family: 4 as const },
      { address: '::ffff:127.0.0.1', family: 6 as const },
    ];
    const result = await call(tool, { order_id: '1' }, { resolve });
    expect(result.output).toContain('orders.example.com resolves to a non-public address (::ffff:127.0.0.1)');
    expect(seen).toEqual([]);
  });

  it('connects to the address it checked, not to a second lookup', async () => {
    // The name resolves once, to 127.0.0.1; the request must go there although no DNS knows the name.
    const tool = spec({
      url: `http://orders.internal.test:${port}/orders/{order_id}`,
      allowedHosts: ['orders.internal.test'],
    });
    let lookups = 0;
    const resolve = async () => {
      lookups += 1;
      return [{ address: '127.0.0.1', family: 4 as const }];
    };
    expect((await call(tool, { order_id: '9' }, { resolve })).output).toBe('{"ok":true}');
    expect(lookups).toBe(1);
    expect(seen[0]?.headers.host).toBe(`orders.internal.test:${port}`);
  });

  it('refuses a redirect to another host, even one on the allowlist', async () => {
    route = (_req, res) => {
      res.writeHead(302, { location: `http://localhost:${port}/elsewhere` });
      res.end();
    };
    const result = await call(spec({ allowedHosts: ['127.0.0.1', 'localhost'] }), { order_id: '1' });
    expect(result.output).toBe(
      `Error: order_status failed: redirect to another host refused (127.0.0.1:${port} redirected to localhost:${port})`,
    );
    expect(seen.map((s) => s.url)).toEqual(['/orders/1?v=1']);
  });

  it('stops after a few redirects', async () => {
    route = (req, res) => {
      res.writeHead(307, { location: `${req.url}x` });
      res.end();
    };
    const result = await call(spec(), { order_id: '1' });
    expect(result.output).toContain(`more than ${DEFAULT_HTTP_TOOL.maxRedirects} redirects`);
    expect(seen).toHaveLength(DEFAULT_HTTP_TOOL.maxRedirects + 1);
  });

  it('refuses unknown parameters and invalid arguments before any request', async () => {
    const unknown = await call(spec(), { order_id: '1', path: '../admin' });
    expect(unknown.output).toContain('invalid arguments for order_status');
    expect(unknown.output).toContain('Unrecognized key: "path"');
    const invalid = await call(spec(), { order_id: '', quantity: 0.5 });
    expect(invalid.output).toMatch(/- order_id: .*\n- quantity: /);
    const missing = await call(spec(), {});
    expect(missing.output).toContain('- order_id: ');
    expect(seen).toEqual([]);
  });

  it('declares its JSON schema to the model as a closed object and carries the approval flag', () => {
    const tool = createHttpTool(spec({ requireApproval: true }));
    const registry = createToolRegistry([tool], ['order_status']);
    expect(registry.definitions()[0]?.parameters).toMatchObject({
      type: 'object',
      properties: { order_id: { type: 'string', minLength: 1 } },
      required: ['order_id'],
      additionalProperties: false,
    });
    expect(tool.requireApproval).toBe(true);
    expect(registry.requiresApproval('order_status')).toBe(true);
    expect(registry.requiresApproval('other')).toBe(false);
  });
});
