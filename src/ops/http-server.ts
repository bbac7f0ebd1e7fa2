import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Answers one request; a rejection becomes a 500. */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** Where the app's routes are added: the operations endpoints, each platform's (Slack's events, the web chat). */
export interface HttpRoutes {
  /** Answers `method` requests to exactly `path` (the query aside). */
  route(method: string, path: string, handler: HttpHandler): void;
  /** Answers every request under `prefix` (`/web`: `/web` and `/web/...`); the handler routes them. */
  mount(prefix: string, handler: HttpHandler): void;
}

/** The app's one HTTP server on `PORT`. */
export interface HttpServer extends HttpRoutes {
  listen(port: number, host?: string): Promise<AddressInfo>;
  close(): Promise<void>;
}

/** How long a client may take to send its headers and body: a slow sender cannot hold a socket. */
const REQUEST_TIMEOUT_MS = 30_000;
const HEADERS_TIMEOUT_MS = 10_000;

/**
 * One server for everything on the port, with one router: exact paths by method, prefixes mounted
 * for platforms that route their own. Every request gets a prompt answer: an unknown path 404, a
 * known path with another method 405 (with `Allow`), so that a scanner or a misconfigured probe
 * cannot pile up sockets. Header size stays Node's limit (16 KB).
 */
export function createHttpServer(): HttpServer {
  const exact = new Map<string, Map<string, HttpHandler>>();
  const mounts: { prefix: string; handler: HttpHandler }[] = [];
  const server: Server = createServer({ requestTimeout: REQUEST_TIMEOUT_MS }, (req, res) => {
    const path = pathOf(req.url);
    const handler = pick(path, (req.method ?? 'GET').toUpperCase(), res);
    if (!handler) return;
    Promise.resolve()
      .then(() => handler(req, res))
      .catch(() => {
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.destroy();
      });
  });
  server.headersTimeout = HEADERS_TIMEOUT_MS;

  /** The handler for a request, or undefined after answering 404 or 405 itself. */
  function pick(path: string, method: string, res: ServerResponse): HttpHandler | undefined {
    const methods = exact.get(path);
    if (methods) {
      const handler = methods.get(method) ?? (method === 'HEAD' ? methods.get('GET') : undefined);
      if (handler) return handler;
      const allow = [...methods.keys()].join(', ');
      sendJson(res, 405, { error: 'method not allowed' }, { allow });
      return undefined;
    }
    const mounted = mounts.find((m) => path === m.prefix || path.startsWith(`${m.prefix}/`));
    if (mounted) return mounted.handler;
    sendJson(res, 404, { error: 'not found' });
    return undefined;
  }

  return {
    route(method, path, handler) {
      const methods = exact.get(path) ?? new Map<string, HttpHandler>();
      methods.set(method.toUpperCase(), handler);
      exact.set(path, methods);
    },
    mount(prefix, handler) {
      mounts.push({ prefix: prefix.replace(/\/+$/, ''), handler });
    },
    listen(port, host = '0.0.0.0') {
      return new Promise<AddressInfo>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    close() {
      return new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** The request's path without its query; exact, so `/healthz/` and `/HEALTHZ` are other paths. */
function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const end = raw.search(/[?#]/);
  return end === -1 ? raw : raw.slice(0, end);
}

/** A small JSON answer that closes nothing it should not: the body is complete. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}
