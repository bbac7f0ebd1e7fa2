import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

/** The paths the operations endpoints answer on. */
export const OPS_PATHS = ['/healthz', '/readyz', '/metrics'] as const;

/** One thing /readyz asks about: the store, or a platform connection. */
export interface ReadinessCheck {
  name: string;
  ready(): Promise<boolean> | boolean;
}

export interface OpsRoutesDeps {
  registry: Registry;
  checks: readonly ReadinessCheck[];
}

/**
 * The operations endpoints: `GET /healthz` (the process answers), `GET /readyz` (every check passes;
 * 503 with the failing names otherwise), `GET /metrics` (Prometheus text). Returns false for any other
 * request, so Slack's HTTP receiver can serve these beside its own routes on the same port.
 */
export function opsRoutes(
  deps: OpsRoutesDeps,
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    if (req.method !== 'GET') return false;
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      send(res, 200, 'application/json', JSON.stringify({ status: 'ok' }));
      return true;
    }
    if (path === '/readyz') {
      const results = await Promise.all(
        deps.checks.map(async (c) => ({
          name: c.name,
          ready: await Promise.resolve(c.ready()).catch(() => false),
        })),
      );
      const failing = results.filter((r) => !r.ready).map((r) => r.name);
      send(
        res,
        failing.length === 0 ? 200 : 503,
        'application/json',
        JSON.stringify({ ready: failing.length === 0, failing }),
      );
      return true;
    }
    if (path === '/metrics') {
      send(res, 200, deps.registry.contentType, await deps.registry.metrics());
      return true;
    }
    return false;
  };
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}

/** A running HTTP server for the operations endpoints alone (when Slack's HTTP mode does not serve them). */
export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

/** Serves `opsRoutes` on `port` (0: any free port) at `host`; everything else is 404. */
export async function startOpsServer(
  routes: ReturnType<typeof opsRoutes>,
  port: number,
  host = '0.0.0.0',
): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    routes(req, res)
      .then((handled) => {
        if (!handled) send(res, 404, 'application/json', JSON.stringify({ error: 'not found' }));
      })
      .catch(() => send(res, 500, 'application/json', JSON.stringify({ error: 'internal' })));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
