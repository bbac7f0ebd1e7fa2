import type { Registry } from 'prom-client';
import { type HttpRoutes, sendJson } from './http-server.js';

/** One thing /readyz asks about: the store, the model service, or a platform connection. */
export interface ReadinessCheck {
  name: string;
  ready(): Promise<boolean> | boolean;
}

export interface OpsRoutesDeps {
  registry: Registry;
  checks: readonly ReadinessCheck[];
}

/**
 * The operations endpoints on the app's server: `GET /healthz` (the process answers), `GET /readyz`
 * (every check passes; 503 with the failing names otherwise), `GET /metrics` (Prometheus text).
 */
export function addOpsRoutes(http: HttpRoutes, deps: OpsRoutesDeps): void {
  http.route('GET', '/healthz', (_req, res) => sendJson(res, 200, { status: 'ok' }));
  http.route('GET', '/readyz', async (_req, res) => {
    const results = await Promise.all(
      deps.checks.map(async (check) => ({
        name: check.name,
        ready: await Promise.resolve()
          .then(() => check.ready())
          .catch(() => false),
      })),
    );
    const failing = results.filter((r) => !r.ready).map((r) => r.name);
    sendJson(res, failing.length === 0 ? 200 : 503, { ready: failing.length === 0, failing });
  });
  http.route('GET', '/metrics', async (_req, res) => {
    const body = await deps.registry.metrics();
    res.writeHead(200, { 'content-type': deps.registry.contentType, 'cache-control': 'no-store' });
    res.end(body);
  });
}
