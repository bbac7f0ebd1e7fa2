import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LimitsConfig, ToolDisplay } from '../../config/types.js';
import { conversationKey } from '../../core/conversation.js';
import { StoreError, USER_MESSAGES } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { createHttpServer, type HttpRoutes, type HttpServer } from '../../ops/http-server.js';
import { DEFAULT_LIMITS } from '../../render/usage-report.js';
import type { AdapterDeps, PlatformAdapter } from '../adapter.js';
import { KitRenderer } from '../kit/answer-renderer.js';
import { Intake } from '../kit/intake.js';
import { WebAuthenticator } from './auth.js';
import type { WebConfig } from './config.js';
import type { StreamTimings } from './event-stream.js';
import { checkWrite, HttpError, readJson, sendJson } from './http-kit.js';
import { PageAssets } from './page-assets.js';
import { WebUploads } from './uploads.js';
import { WebApi } from './web-api.js';
import { WebLog } from './web-log.js';
import { WebSurface } from './web-surface.js';

/** Defaults of the web adapter's knobs that are not configuration. */
export const DEFAULT_WEB_ADAPTER = {
  /** Streamed text is appended to the log (and sent to pages) at most this often. */
  appendIntervalMs: 50,
  heartbeatMs: 15_000,
  /** With Redis, another instance's appends are noticed within this long. */
  redisPollMs: 1_000,
  retryMs: 1_000,
} as const satisfies Record<string, number>;

/** Everything but the web configuration; the optional members are for tests and the benchmark. */
export interface WebAdapterOptions {
  /** The app's HTTP server; without it (tests), the adapter listens on a server of its own. */
  http?: HttpRoutes;
  /** Without `http`: where the adapter's own server listens (default 127.0.0.1, any free port). */
  port?: number;
  host?: string;
  deps: AdapterDeps;
  toolDisplay: ToolDisplay;
  maxAttachmentBytes: number;
  limits?: LimitsConfig;
  appendIntervalMs?: number;
  timings?: Partial<StreamTimings>;
  now?: () => number;
}

/**
 * The web chat: a page on the app's HTTP server at WEB_BASE_PATH, its API, and the event stream
 * the page follows. Answers are written by the kit's renderer into each conversation's event log.
 */
export class WebAdapter implements PlatformAdapter {
  readonly platform = 'web';
  private readonly renderer: KitRenderer;
  private readonly auth: WebAuthenticator;
  private readonly api: WebApi;
  private readonly assets: PageAssets;
  private readonly log: Logger;
  private ownServer: HttpServer | undefined;
  /** Where the adapter's own server listens, once started without the app's. */
  url: string | undefined;

  constructor(
    private readonly config: WebConfig,
    private readonly options: WebAdapterOptions,
  ) {
    const { logger, orchestrator, store } = options.deps;
    const log = logger.child({ platform: 'web' });
    this.log = log;
    const now = options.now ?? Date.now;
    const events = new WebLog(store.web);
    const userOf = (key: string) => key.split(':');
    const surface = new WebSurface({
      log: events,
      logger: log,
      saveFile: (key, id, file) => store.web.saveFile(key, id, file),
      exists: async (key) => {
        const [, user = '', id = ''] = userOf(key);
        return (await store.web.get(user, id)) !== undefined;
      },
      appendIntervalMs: options.appendIntervalMs ?? DEFAULT_WEB_ADAPTER.appendIntervalMs,
      now,
    });
    this.renderer = new KitRenderer(surface, options.toolDisplay, options.deps.metrics);
    const intake = new Intake({
      platform: 'web',
      orchestrator,
      store,
      logger: log,
      downloads: {
        platformName: 'the web chat',
        isFileHost: () => false,
        maxBytes: options.maxAttachmentBytes,
        maxRedirects: 0,
      },
      note: async (replyTo, text, tone) => {
        const key = replyTo.key;
        if (key === undefined || !key.startsWith('web:')) return;
        await events
          .append(conversationKey('web', ...key.split(':').slice(1)), {
            type: 'post',
            id: crypto.randomUUID(),
            message: { kind: 'notice', text, tone: tone ?? 'plain' },
            at: now(),
          })
          .catch((err: unknown) => log.warn({ err }, 'web: a notice could not be written'));
      },
      now,
    });
    this.auth = new WebAuthenticator(config.auth, now);
    this.assets = new PageAssets(config.basePath);
    const pollMs = store.kind === 'redis' ? DEFAULT_WEB_ADAPTER.redisPollMs : 0;
    this.api = new WebApi({
      orchestrator,
      store,
      intake,
      log: events,
      uploads: new WebUploads(options.maxAttachmentBytes, now),
      limits: options.limits ?? DEFAULT_LIMITS,
      timings: {
        heartbeatMs: DEFAULT_WEB_ADAPTER.heartbeatMs,
        retryMs: DEFAULT_WEB_ADAPTER.retryMs,
        pollMs,
        ...options.timings,
      },
      now,
    });
  }

  async start(): Promise<void> {
    this.options.deps.orchestrator.registerRenderer('web', this.renderer);
    const handler = (req: IncomingMessage, res: ServerResponse) => this.handle(req, res);
    if (this.options.http) {
      this.options.http.mount(this.config.basePath, handler);
      return;
    }
    this.ownServer = createHttpServer();
    this.ownServer.mount(this.config.basePath, handler);
    const host = this.options.host ?? '127.0.0.1';
    const address = await this.ownServer.listen(this.options.port ?? 0, host);
    this.url = `http://${host}:${address.port}${this.config.basePath}/`;
  }

  async stop(): Promise<void> {
    await this.ownServer?.close();
    this.ownServer = undefined;
  }

  /** Every request under the base path: the page and its files, the session, the API. */
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.route(req, res);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof StoreError) {
        this.log.warn({ err: error }, 'web: the store failed a request');
        sendJson(res, 503, { error: USER_MESSAGES.store_unavailable }, { 'retry-after': '5' });
        return;
      }
      if (!(error instanceof HttpError)) throw error;
      sendJson(res, error.status, { error: error.message });
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const base = this.config.basePath;
    const url = new URL(req.url ?? '/', 'http://web.invalid');
    const path = url.pathname.slice(base.length);
    const method = (req.method ?? 'GET').toUpperCase();
    const identity = this.auth.identify(req);
    // Loopback and proxy modes refuse strangers everything; token mode serves the page, which asks for one.
    if (!identity.ok && !identity.login) throw new HttpError(identity.status, identity.error);
    if (path === '') {
      res.writeHead(308, { location: `${base}/` });
      res.end();
      return;
    }
    if (method === 'GET' || method === 'HEAD') {
      if (path === '/') return this.assets.sendPage(res);
      if (path.startsWith('/assets/') && this.assets.sendAsset(res, path.slice('/assets/'.length))) return;
    }
    if (!path.startsWith('/api/')) throw new HttpError(404, 'not found');
    if (method !== 'GET' && method !== 'HEAD') checkWrite(req);
    if (path === '/api/session') return this.session(req, res, method);
    if (!identity.ok) throw new HttpError(identity.status, identity.error);
    const parts = path
      .slice('/api/'.length)
      .split('/')
      .map((part) => {
        try {
          return decodeURIComponent(part);
        } catch {
          throw new HttpError(400, 'the path is not valid');
        }
      });
    await this.api.handle({ req, res, user: identity.user, method, parts, query: url.searchParams });
  }

  /** Token mode: `POST` trades a token for a session cookie, `DELETE` ends the session. */
  private async session(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    const path = this.config.basePath;
    if (method === 'DELETE')
      return sendJson(res, 200, { ended: true }, { 'set-cookie': WebAuthenticator.endSessionCookie(path) });
    if (method !== 'POST') throw new HttpError(405, 'method not allowed');
    if (this.auth.mode !== 'token') throw new HttpError(400, 'sessions are for WEB_AUTH=token');
    const { token } = ((await readJson(req)) ?? {}) as { token?: unknown };
    const user = typeof token === 'string' ? this.auth.tokenUser(token) : undefined;
    if (user === undefined) throw new HttpError(401, 'that token is not known');
    sendJson(res, 200, { user }, { 'set-cookie': this.auth.sessionCookie(user, path) });
  }
}
