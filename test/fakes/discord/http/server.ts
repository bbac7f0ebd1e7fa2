import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { readBody } from './body.js';
import { DiscordHttpError } from './errors.js';
import { type AnswerHolds, type ServerFaults, serverErrorBody } from './faults.js';
import type { RateLimits } from './rate-limits.js';
import type { RecordedCall, Recorder } from './recorder.js';
import type { Route, RouteResponse, Router, UploadedFile } from './router.js';

/** The REST API's prefix; discord.js adds it to `rest.api`. */
export const API_PREFIX = '/api/v10';

/** Bytes the fake serves as an attachment host. */
export interface CdnFile {
  bytes: Uint8Array;
  contentType: string;
  /** Sent in pieces without Content-Length. */
  chunked: boolean;
}

/** What the HTTP server is built with. */
export interface HttpServerDeps {
  router: Router;
  recorder: Recorder;
  limits: RateLimits;
  faults: ServerFaults;
  /** Successful calls whose answer is kept back. */
  holds?: AnswerHolds;
  token: string;
  /** The attachment host: the file at this path, if any. */
  cdn(path: string): CdnFile | undefined;
  /** WebSocket upgrades go to the gateway. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  port?: number;
}

/** A listening server. */
export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

/** Starts the fake's HTTP server on 127.0.0.1: REST under /api/v10, attachments, gateway upgrades. */
export function startHttpServer(deps: HttpServerDeps): Promise<RunningServer> {
  const server: Server = createServer((request, response) => {
    handle(deps, request, response).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: `fake Discord failed: ${String(error)}`, code: 0 }));
    });
  });
  server.on('upgrade', (request, socket, head) => deps.upgrade(request, socket, head));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.port ?? 0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

async function handle(deps: HttpServerDeps, request: IncomingMessage, response: ServerResponse) {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const method = request.method ?? 'GET';
  if (url.pathname.startsWith('/attachments/')) return serveAttachment(deps, request, response, url);
  if (!url.pathname.startsWith(`${API_PREFIX}/`)) {
    return send(response, 404, { message: '404: Not Found', code: 0 }, {});
  }
  const path = url.pathname.slice(API_PREFIX.length);
  const call: RecordedCall = {
    at: Date.now(),
    method,
    path,
    route: '',
    query: Object.fromEntries(url.searchParams),
    status: 0,
    json: undefined,
    files: [],
    errorCode: undefined,
  };
  const answer = (status: number, body: unknown, headers: Record<string, string>, route?: Route) => {
    call.status = status;
    call.errorCode = errorCodeOf(body);
    deps.recorder.calls.push(call);
    if (body !== undefined && route) deps.recorder.sent.push({ method, route: route.route, status, body });
    deps.recorder.changed();
    send(response, status, body, headers);
  };

  // discord.js writes `@original` and `@me` as `%40original`, `%40me`; Discord takes both.
  const match = deps.router.match(method, path.replace(/%40/gi, '@'));
  if (!match.route) {
    // Read the body anyway, so the client is not left writing into a closed socket.
    await readBody(request).catch(() => undefined);
    const status = match.allowed.length > 0 ? 405 : 404;
    return answer(
      status,
      { message: `${status}: ${status === 404 ? 'Not Found' : 'Method Not Allowed'}`, code: 0 },
      {},
    );
  }
  const { route, params } = match;
  call.route = route.route;
  let body: { json: unknown; files: UploadedFile[] };
  try {
    body = await readBody(request);
  } catch {
    return answer(400, { message: 'The request body contains invalid JSON.', code: 50109 }, {}, route);
  }
  call.json = body.json;
  call.files = body.files;
  if (route.auth !== false && request.headers.authorization !== `Bot ${deps.token}`) {
    return answer(401, { message: '401: Unauthorized', code: 0 }, {}, route);
  }
  const rate = deps.limits.check({
    method,
    path,
    route: route.route,
    major: route.major === undefined ? '' : (params[route.major] ?? ''),
    countsGlobal: route.global !== false,
  });
  if (rate.limited) return answer(429, rate.body, rate.headers, route);
  // A server error is not one of the route's documented answers: it is not checked against the spec.
  const fault = deps.faults.take(method, route.route);
  if (fault && !fault.afterHandling) return answer(fault.status, serverErrorBody(fault.status), {});

  let result: RouteResponse;
  try {
    result = await route.handle({ params, query: url.searchParams, json: body.json, files: body.files });
  } catch (error) {
    if (!(error instanceof DiscordHttpError)) throw error;
    if (fault) return answer(fault.status, serverErrorBody(fault.status), {});
    return answer(error.status, error.body(), rate.headers, route);
  }
  if (fault) return answer(fault.status, serverErrorBody(fault.status), {});
  if (result.status < 300 && deps.holds?.take(method, route.route, body.json)) {
    // Done, but the answer never leaves: the connection stays open until the client goes away.
    call.status = result.status;
    deps.recorder.calls.push(call);
    deps.recorder.changed();
    return;
  }
  return answer(result.status, result.body, rate.headers, route);
}

function serveAttachment(deps: HttpServerDeps, request: IncomingMessage, response: ServerResponse, url: URL) {
  const file = deps.cdn(url.pathname);
  deps.recorder.downloads.push({
    host: request.headers.host ?? '',
    path: url.pathname,
    status: file ? 200 : 404,
  });
  deps.recorder.changed();
  if (!file) {
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('Not Found');
    return;
  }
  if (!file.chunked) {
    response.writeHead(200, { 'content-type': file.contentType, 'content-length': file.bytes.byteLength });
    response.end(file.bytes);
    return;
  }
  response.writeHead(200, { 'content-type': file.contentType });
  const piece = 64 * 1024;
  for (let offset = 0; offset < file.bytes.byteLength; offset += piece) {
    response.write(file.bytes.subarray(offset, offset + piece));
  }
  response.end();
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string>) {
  if (body === undefined) {
    response.writeHead(status, headers);
    response.end();
    return;
  }
  response.writeHead(status, { ...headers, 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function errorCodeOf(body: unknown): number | undefined {
  if (typeof body !== 'object' || body === null || !('code' in body)) return undefined;
  return typeof body.code === 'number' ? body.code : undefined;
}
