import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { badRequest, defaultFaultBody, FakeApiError } from './errors.js';
import type { Faults } from './faults.js';
import type { MultipartField, RecordedRequest, Recorder } from './recorder.js';
import { parseQuery, type RouteContext, type Router } from './router.js';
import { SseWriter } from './sse.js';

export interface HttpServerOptions {
  router: Router;
  recorder: Recorder;
  faults: Faults;
  /** The key in force (read per request); when set, any other bearer token gets 401 invalid_api_key. */
  apiKey?: () => string | undefined;
  port?: number;
}

export interface RunningServer {
  /** `http://127.0.0.1:<port>/v1` */
  url: string;
  port: number;
  close(): Promise<void>;
}

const NO_KEY =
  "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username. You can obtain an API key from https://platform.openai.com/account/api-keys.";
const BAD_JSON =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)";

/** Serves `router` on 127.0.0.1, recording every request and everything sent. */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const { recorder } = options;
  const server = createServer((req, res) => {
    handle(req, res, options).catch((error: unknown) => {
      // A bug in the fake must show up in the test, not hang the client.
      if (!res.headersSent)
        sendJson(res, 500, {
          error: { message: String(error), type: 'server_error', param: null, code: null },
        });
      else res.destroy();
      recorder.changed();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, options: HttpServerOptions): Promise<void> {
  const { recorder, faults, router } = options;
  const arrivedAt = performance.timeOrigin + performance.now();
  const raw = await readBody(req);
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = (req.method ?? 'GET').toUpperCase();
  const path = url.pathname.replace(/^\/v1(?=\/|$)/, '') || '/';
  const request: RecordedRequest = {
    index: recorder.requests.length,
    at: arrivedAt,
    requestId: `req_${randomBytes(16).toString('hex')}`,
    method,
    path,
    query: parseQuery(url.searchParams),
    headers: Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
    ),
  };
  const matched = router.match(method, path);
  if (matched) {
    request.operation = matched.route.operation;
    if (matched.route.requestSchema) request.requestSchema = matched.route.requestSchema;
  }
  const contentType = req.headers['content-type'] ?? '';
  let multipart = new Map<string, MultipartField>();
  let json: Record<string, unknown> = {};
  let jsonError = false;
  if (raw.length > 0 && contentType.startsWith('multipart/form-data')) {
    multipart = await parseMultipart(raw, contentType);
    request.multipart = Object.fromEntries(multipart);
  } else if (raw.length > 0) {
    try {
      json = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      request.json = json;
    } catch {
      jsonError = true;
    }
  }
  recorder.addRequest(request);

  const started = Date.now();
  const baseHeaders = () => ({
    'x-request-id': request.requestId,
    'openai-version': '2020-10-01',
    'openai-processing-ms': String(Date.now() - started),
  });
  const sendError = (error: FakeApiError) => {
    recorder.addSent({
      request: request.index,
      kind: 'body',
      status: error.status,
      schema: 'ErrorResponse',
      payload: error.body,
    });
    sendJson(res, error.status, error.body, { ...baseHeaders(), ...error.headers });
  };

  const fault = faults.take(method, path);
  if (fault?.action.kind === 'drop') {
    req.socket.destroy();
    return;
  }
  if (fault?.action.kind === 'fail') {
    const { status, body = defaultFaultBody(status), headers = {} } = fault.action;
    recorder.addSent({
      request: request.index,
      kind: 'body',
      status,
      schema: 'ErrorResponse',
      payload: body,
    });
    sendJson(res, status, body, { ...baseHeaders(), ...headers });
    return;
  }

  try {
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ') || auth.length <= 'Bearer '.length) throw new FakeApiError(401, NO_KEY);
    const key = auth.slice('Bearer '.length);
    const accepted = options.apiKey?.();
    if (accepted !== undefined && key !== accepted) {
      throw new FakeApiError(
        401,
        `Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        { code: 'invalid_api_key' },
      );
    }
    if (!matched) throw new FakeApiError(404, `Invalid URL (${method} /v1${path})`);
    const { route, params } = matched;
    if (route.beta && !(req.headers['openai-beta'] ?? '').includes(route.beta)) {
      throw badRequest(
        `You must provide the 'OpenAI-Beta' header to access the Assistants API. Please try again by setting the header 'OpenAI-Beta: ${route.beta}'.`,
        null,
        'invalid_beta',
      );
    }
    if (jsonError) throw badRequest(BAD_JSON);
    const context: RouteContext = {
      params,
      query: request.query,
      json,
      multipart,
      headers: req.headers,
      request,
    };
    const result = await route.handle(context);
    if (result.kind === 'json') {
      recorder.addSent({
        request: request.index,
        kind: 'body',
        status: 200,
        schema: result.schema,
        payload: result.body,
      });
      sendJson(res, 200, result.body, { ...baseHeaders(), ...result.headers });
    } else if (result.kind === 'bytes') {
      recorder.addSent({ request: request.index, kind: 'bytes', status: 200, payload: result.body });
      res.writeHead(200, {
        ...baseHeaders(),
        'content-type': result.contentType,
        'content-length': result.body.length,
      });
      res.end(result.body);
    } else {
      res.writeHead(200, {
        ...baseHeaders(),
        ...result.headers,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
      });
      const responses = result.events === 'responses';
      const record = (event: string, data: unknown) =>
        recorder.addSent({
          request: request.index,
          kind: 'event',
          status: 200,
          schema: responses ? 'ResponseStreamEvent' : 'AssistantStreamEvent',
          payload: responses ? data : { event, data },
        });
      const cut = faults.stream === false || faults.stream === 'reject' ? undefined : faults.stream;
      result.start(new SseWriter(res, record, { cut, cutError: result.cutError }));
    }
  } catch (error) {
    if (error instanceof FakeApiError) sendError(error);
    else throw error;
  }
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Node's own fetch Request parses multipart bodies: no hand-written parser to get wrong. */
async function parseMultipart(raw: Buffer, contentType: string): Promise<Map<string, MultipartField>> {
  const form = await new Request('http://fake.invalid/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: raw,
  }).formData();
  const fields = new Map<string, MultipartField>();
  for (const [name, value] of form) {
    if (typeof value === 'string') fields.set(name, value);
    else {
      const bytes = new Uint8Array(await value.arrayBuffer());
      fields.set(name, { filename: value.name, type: value.type, size: bytes.length, bytes });
    }
  }
  return fields;
}

function maskKey(key: string): string {
  return key.length <= 8 ? `${key.slice(0, 2)}**${key.slice(-1)}` : `${key.slice(0, 3)}*****${key.slice(-4)}`;
}
