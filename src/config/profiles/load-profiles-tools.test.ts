import { describe, expect, it } from 'vitest';
import { parse, problems } from '../../../test/support/profiles-fixture.js';

describe('headers in the profiles file', () => {
  const withHeaders = (headers: string) => `
http_tools:
  - name: order_status
    description: Looks up an order.
    url: https://api.example.com/orders
    headers:
${headers}
mcp_servers:
  - server_label: docs
    server_url: https://mcp.example.com/mcp
    headers:
${headers}
`;

  it('take their values from the environment, as env references in text or as { env: NAME }', () => {
    const profiles = parse(
      withHeaders(
        `      Authorization: "Bearer $\{env:ORDERS_TOKEN}"\n      X-Api-Key: { env: API_KEY }\n      Accept: application/json`,
      ),
      { env: { ORDERS_TOKEN: 'tok-123', API_KEY: ' key-456\n' } },
    );
    const expected = { Authorization: 'Bearer tok-123', 'X-Api-Key': 'key-456', Accept: 'application/json' };
    expect(profiles.httpTools[0]?.headers).toEqual(expected);
    expect(profiles.mcpServers[0]?.headers).toEqual(expected);
  });

  it('refuse a missing variable and a literal credential by path, without showing a value', () => {
    const found = problems(
      withHeaders(
        `      Authorization: "Bearer $\{env:ORDERS_TOKEN}"\n      X-Api-Key: literal-SECRET\n      X-Other: "$\{ORDERS}"`,
      ),
      { env: { ORDERS_TOKEN: '  ' } },
    );
    expect(found).toEqual([
      'http_tools[0].headers.Authorization: environment variable ORDERS_TOKEN is not set',
      expect.stringMatching(
        /^http_tools\[0\]\.headers\.X-Api-Key: carries credentials, so its value must come from the environment/,
      ),
      expect.stringMatching(
        /^http_tools\[0\]\.headers\.X-Other: refers to the environment as \$\{env:NAME\}/,
      ),
      'mcp_servers[0].headers.Authorization: environment variable ORDERS_TOKEN is not set',
      expect.stringMatching(/^mcp_servers\[0\]\.headers\.X-Api-Key: carries credentials/),
      expect.stringMatching(/^mcp_servers\[0\]\.headers\.X-Other: /),
    ]);
    expect(found.join('\n')).not.toContain('SECRET');
  });
});

describe('HTTP tools in the profiles file', () => {
  const tool = (fields: string) => `
http_tools:
  - name: order_status
    description: Looks up an order.
    parameters:
      type: object
      properties: { order_id: { type: string }, region: { type: string }, note: { type: string } }
      required: [order_id]
${fields}
`;

  it('get defaults: GET, the URL host as the only allowed host, public addresses only, no approval', () => {
    const [spec] = parse(tool('    url: https://api.example.com/orders/{order_id}?note={note}')).httpTools;
    expect(spec).toEqual({
      name: 'order_status',
      description: 'Looks up an order.',
      parameters: expect.objectContaining({ required: ['order_id'] }),
      method: 'GET',
      url: 'https://api.example.com/orders/{order_id}?note={note}',
      headers: {},
      body: undefined,
      timeoutMs: 10_000,
      maxResponseBytes: 16_384,
      allowedHosts: ['api.example.com'],
      allowPrivateAddresses: false,
      requireApproval: false,
    });
  });

  it('refuse templates that do not fit their parameters or their hosts', () => {
    expect(
      problems(
        tool(`    url: https://{region}.example.com/orders/{order_id}/{note}?q={query}
    method: GET
    body: { id: "{order_id}", who: "{user}" }`),
      ),
    ).toEqual([
      'http_tools[0].url: {query} is not one of the parameters',
      'http_tools[0].url: {note} stands in the path, so the parameter must be required',
      'http_tools[0].body: {user} is not one of the parameters',
      'http_tools[0].body: a GET request carries no body; use POST, PUT or PATCH',
      'http_tools[0].allowed_hosts: is required when the URL has a placeholder in its host',
    ]);
    expect(
      problems(
        tool('    url: ftp://user:pw@files.example.com/x#top\n    allowed_hosts: [other.example.com]'),
      ),
    ).toEqual([
      'http_tools[0].url: must be an http or https URL',
      'http_tools[0].url: must not carry credentials; send them in headers from the environment',
      'http_tools[0].url: must not have a fragment (#...)',
      "http_tools[0].allowed_hosts: does not allow the URL's own host files.example.com",
    ]);
  });

  it('refuse parameters that are not a usable JSON object schema', () => {
    const yaml = `
http_tools:
  - name: a
    description: A.
    url: https://api.example.com/a
    parameters: { type: string }
  - name: b
    description: B.
    url: https://api.example.com/b
    parameters: { type: object, properties: { x: { $ref: "#/definitions/none" } } }
`;
    expect(problems(yaml)).toEqual([
      'http_tools[0].parameters: must be a JSON schema with "type": "object"',
      expect.stringMatching(/^http_tools\[1\]\.parameters: .*#\/definitions\/none/),
    ]);
  });
});
