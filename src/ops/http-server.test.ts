import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServer } from './http-server.js';
import { addOpsRoutes } from './ops-server.js';
import { createPrometheusMetrics } from './prometheus.js';

let server: HttpServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(checks: { name: string; ready: () => boolean | Promise<boolean> }[]) {
  const prometheus = createPrometheusMetrics();
  server = createHttpServer();
  addOpsRoutes(server, { registry: prometheus.registry, checks });
  const { port } = await server.listen(0, '127.0.0.1');
  return { prometheus, url: `http://127.0.0.1:${port}` };
}

describe('ops server', () => {
  it('answers /healthz while the process lives', async () => {
    const { url } = await start([]);
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('is ready only when every check passes, and names the failing ones', async () => {
    let discord = false;
    const { url } = await start([
      { name: 'store', ready: () => true },
      { name: 'discord', ready: () => discord },
      { name: 'slack', ready: () => Promise.reject(new Error('down')) },
    ]);
    const notReady = await fetch(`${url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ ready: false, failing: ['discord', 'slack'] });
    discord = true;
    const stillNot = await (await fetch(`${url}/readyz`)).json();
    expect(stillNot).toEqual({ ready: false, failing: ['slack'] });
  });

  it('serves the bot’s metrics in Prometheus text format', async () => {
    const { url, prometheus } = await start([]);
    prometheus.metrics.runEnded('responses', 'completed', 1200);
    prometheus.metrics.firstText('responses', 300);
    prometheus.metrics.tokens('responses', { inputTokens: 10, outputTokens: 5, reasoningTokens: 2 });
    prometheus.metrics.queueDepth(3);
    prometheus.metrics.platformProblem('discord', 'rate_limited');
    const response = await fetch(`${url}/metrics`);
    const text = await response.text();
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(text).toContain('threadloom_runs_total{backend="responses",ending="completed"} 1');
    expect(text).toContain('threadloom_time_to_first_text_seconds_count{backend="responses"} 1');
    expect(text).toContain('threadloom_tokens_total{backend="responses",kind="input"} 10');
    expect(text).toContain('threadloom_queue_depth 3');
    expect(text).toContain('threadloom_platform_problems_total{platform="discord",kind="rate_limited"} 1');
    expect(text).toContain('threadloom_process_resident_memory_bytes');
  });

  it('serves how answers were shown: text visible histograms, budget waits, strategies and switches', async () => {
    const { url, prometheus } = await start([]);
    const { metrics } = prometheus;
    metrics.textVisible?.('slack', 'first', 400);
    metrics.textVisible?.('slack', 'final', 1200);
    metrics.budgetWait?.('slack', 'tier3', 'update');
    metrics.renderStrategy?.('slack', 'edit');
    metrics.renderStrategy?.('slack', 'whole', 'edit');
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toContain('threadloom_first_text_visible_seconds_count{platform="slack"} 1');
    expect(text).toContain('threadloom_final_text_visible_seconds_bucket{le="1.5",platform="slack"} 1');
    expect(text).toContain('threadloom_final_text_visible_seconds_bucket{le="1",platform="slack"} 0');
    expect(text).toContain('threadloom_budget_waits_total{platform="slack",budget="tier3",lane="update"} 1');
    expect(text).toContain('threadloom_render_strategies_total{platform="slack",strategy="edit"} 1');
    expect(text).toContain(
      'threadloom_render_strategy_switches_total{platform="slack",from="edit",to="whole"} 1',
    );
  });

  it('counts dropped platform events by type and process faults by kind, the faults at 0 from the start', async () => {
    const { url, prometheus } = await start([]);
    const before = await (await fetch(`${url}/metrics`)).text();
    expect(before).toContain('threadloom_process_faults_total{kind="unhandled_rejection"} 0');
    expect(before).toContain('threadloom_process_faults_total{kind="uncaught_exception"} 0');
    prometheus.faults.droppedEvent('discord', 'INTERACTION_CREATE');
    prometheus.faults.droppedEvent('slack', 'app_rate_limited');
    prometheus.faults.droppedEvent('slack', 'x'.repeat(500));
    prometheus.faults.processFault('unhandled_rejection');
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toContain('threadloom_dropped_events_total{platform="discord",type="INTERACTION_CREATE"} 1');
    expect(text).toContain('threadloom_dropped_events_total{platform="slack",type="app_rate_limited"} 1');
    expect(text).toContain('threadloom_dropped_events_total{platform="slack",type="other"} 1');
    expect(text).toContain('threadloom_process_faults_total{kind="unhandled_rejection"} 1');
  });

  it('answers 404 to unknown paths and 405 to other methods at once, keeping no socket open', async () => {
    const { url } = await start([]);
    for (const path of ['/slack/events', '/healthz/', '/HEALTHZ', '/Metrics', '/', '/../etc/passwd']) {
      const response = await fetch(`${url}${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.json()).toEqual({ error: 'not found' });
    }
    const post = await fetch(`${url}/healthz`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
    expect((await fetch(`${url}/healthz`, { method: 'HEAD' })).status).toBe(200);
  });

  it('answers a raw request with a body it does not want, then closes nothing it should not', async () => {
    const { url } = await start([]);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${url}/nowhere`, { method: 'PUT' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('{"a":1}');
    });
    expect(status).toBe(404);
  });

  it('mounts a prefix for a platform that routes its own paths', async () => {
    const { url } = await start([]);
    server?.mount('/web', (req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`web saw ${req.url}`);
    });
    expect(await (await fetch(`${url}/web/chat?x=1`)).text()).toBe('web saw /web/chat?x=1');
    expect((await fetch(`${url}/webhook`)).status).toBe(404);
  });
});
