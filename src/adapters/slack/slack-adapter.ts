import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, type Receiver, SocketModeReceiver } from '@slack/bolt';
import type { LimitsConfig, ToolDisplay } from '../../config/types.js';
import { ConfigError, PlatformError } from '../../core/errors.js';
import { createHttpServer, type HttpRoutes, type HttpServer } from '../../ops/http-server.js';
import { DEFAULT_LIMITS } from '../../render/usage-report.js';
import type { AdapterDeps, PlatformAdapter } from '../adapter.js';
import { isAllowed } from '../kit/access.js';
import { KitRenderer } from '../kit/answer-renderer.js';
import { Intake } from '../kit/intake.js';
import { budgetWatcher } from '../kit/observe.js';
import { boltLogger } from './bolt-logger.js';
import { SlackCommands } from './commands.js';
import type { SlackConfig } from './config.js';
import { type DroppedSlackEvent, guardReceiver, guardSocketClient } from './event-guard.js';
import { SlackInbound } from './inbound.js';
import { type HandledEvent, registerListeners } from './listeners.js';
import { postNotice } from './notices.js';
import { accessOf, type Origin } from './parse.js';
import { RecentConversations } from './recent.js';
import { addressFromReplyTo } from './reply-to.js';
import { DEFAULT_SLACK_FILE_HOSTS, slackDownloadPolicy } from './shared-files.js';
import { DEFAULT_SLACK_RATES, SlackApi, type SlackRates, toSlackError } from './slack-api.js';
import { SlackSurface } from './slack-surface.js';

/** Where Slack posts events, commands and interactivity in HTTP mode. */
export const SLACK_EVENTS_PATH = '/slack/events';

/** Defaults of the Slack adapter's knobs that are not configuration. */
export const DEFAULT_SLACK_ADAPTER = {
  /** Native stream appends are coalesced to at most one per this many ms (Tier 4 leaves room). */
  appendIntervalMs: 500,
  /**
   * Retries of failed Web API requests (network errors, 5xx); a 429 is not one of them (SlackApi waits
   * Retry-After itself). The client's default retries for about 30 minutes, far past any answer.
   */
  webApiRetries: 2,
  webApiTimeoutMs: 30_000,
  /** Slack takes files of up to 1 GB. */
  maxUploadBytes: 1024 * 1024 * 1024,
} as const satisfies Record<string, number>;

/** Everything but the Slack configuration; the optional members are for embedding and tests. */
export interface SlackAdapterOptions {
  /**
   * The app's HTTP server: in HTTP mode, Slack's events are one of its routes. Without it (tests), the
   * adapter serves them on a server of its own at `port` and `host`.
   */
  http?: HttpRoutes;
  /** Without `http`: the port of the adapter's own server (0: any free port). */
  port?: number;
  toolDisplay: ToolDisplay;
  /** `RunConfig.maxAttachmentBytes`: larger shared files are not downloaded. */
  maxAttachmentBytes: number;
  deps: AdapterDeps;
  /** Rate limit and daily budgets, shown by `!usage` (default: none). */
  limits?: LimitsConfig;
  /** Listen on this address only (default: all interfaces); tests use 127.0.0.1. */
  host?: string;
  /** Hosts the bot token may be sent to for shared files (default files.slack.com); tests add the fake's. */
  fileHosts?: readonly string[];
  /** Workspace rate budgets per method tier; tests loosen them. */
  rates?: Partial<SlackRates>;
  webApiRetries?: number;
  appendIntervalMs?: number;
  now?: () => number;
  /** Called when a request has been dealt with (observability: tests wait on it, metrics may count it). */
  onHandled?: (event: HandledEvent) => void;
  /** An event the Slack clients could not handle was dropped (its type): main counts these in /metrics. */
  onDroppedEvent?: (type: string) => void;
}

/** Builds the Slack adapter; `start()` connects. */
export function createSlackAdapter(config: SlackConfig, options: SlackAdapterOptions): SlackAdapter {
  return new SlackAdapter(config, options);
}

/**
 * Slack through Bolt: Socket Mode when an app token is configured, else HTTP mode on `PORT` at
 * `/slack/events` with Bolt's signature verification. Events are acknowledged at once; messages are
 * answered in their thread through the orchestrator.
 */
export class SlackAdapter implements PlatformAdapter {
  readonly platform = 'slack';
  private readonly app: App;
  private readonly receiver: Receiver;
  private readonly api: SlackApi;
  /** Event marks, followed threads, submission; holds messages while the store is unreachable. */
  private readonly intake: Intake;
  private readonly renderer: KitRenderer;
  private readonly surface: SlackSurface;
  private listening: AddressInfo | undefined;
  private ownServer: HttpServer | undefined;
  private started = false;

  constructor(
    private readonly config: SlackConfig,
    private readonly options: SlackAdapterOptions,
  ) {
    const { logger, orchestrator, store } = options.deps;
    const log = logger.child({ platform: 'slack' });
    const slackApiUrl = withSlash(config.apiUrl ?? 'https://slack.com/api/');
    const retryConfig = { retries: options.webApiRetries ?? DEFAULT_SLACK_ADAPTER.webApiRetries, factor: 2 };
    const clientOptions = {
      slackApiUrl,
      retryConfig,
      rejectRateLimitedCalls: true,
      timeout: DEFAULT_SLACK_ADAPTER.webApiTimeoutMs,
    };
    const onDropped = (dropped: DroppedSlackEvent) => {
      const fields = { platform: 'slack', event: dropped.type, err: dropped.error };
      const message =
        'Slack: dropped an event the Slack clients could not handle (acknowledged, not redelivered)';
      if (dropped.error === undefined) log.warn(fields, message);
      else log.error(fields, message);
      options.onDroppedEvent?.(dropped.type);
    };
    this.receiver = createReceiver(config, log, slackApiUrl, retryConfig);
    // An event the Slack clients cannot handle costs that event (see event-guard.ts).
    if (this.receiver instanceof SocketModeReceiver) guardSocketClient(this.receiver.client, onDropped);
    this.app = new App({
      token: config.botToken,
      receiver: guardReceiver(this.receiver, onDropped),
      clientOptions,
      logger: boltLogger(log),
      deferInitialization: true,
    });
    this.api = new SlackApi(this.app.client, { ...DEFAULT_SLACK_RATES, ...options.rates }, log, (name) =>
      budgetWatcher(options.deps.metrics, 'slack', name),
    );
    const now = options.now ?? Date.now;
    const recent = new RecentConversations();
    const allowed = (origin: Origin) => isAllowed(config.allow, accessOf(origin));
    const api = this.api;
    const intake = new Intake({
      platform: 'slack',
      orchestrator,
      store,
      logger: log,
      downloads: slackDownloadPolicy({
        botToken: config.botToken,
        fileHosts: options.fileHosts ?? DEFAULT_SLACK_FILE_HOSTS,
        maxBytes: options.maxAttachmentBytes,
      }),
      note: (replyTo, text, tone) => postNotice(api, addressFromReplyTo(replyTo), text, tone, log),
      now,
      ...(options.deps.storeHold ? { storeHold: options.deps.storeHold } : {}),
    });
    this.intake = intake;
    const inbound = new SlackInbound({
      orchestrator,
      store,
      logger: log,
      api,
      allow: config.allow,
      intake,
      limits: options.limits ?? DEFAULT_LIMITS,
      recent,
      now,
    });
    const commands = new SlackCommands({
      orchestrator,
      store,
      logger: log,
      api: this.api,
      inbound,
      recent,
      isAllowed: allowed,
      now,
      approverUsers: config.approverUsers,
    });
    const surface = new SlackSurface({
      api: this.api,
      logger: log,
      limits: {
        editIntervalMs: config.updateIntervalMs,
        maxUploadBytes: DEFAULT_SLACK_ADAPTER.maxUploadBytes,
      },
      appendIntervalMs: options.appendIntervalMs ?? DEFAULT_SLACK_ADAPTER.appendIntervalMs,
      onStoppedByUser: (key) => {
        orchestrator.cancel(key).catch((err: unknown) => log.warn({ err }, 'Slack: stopping the run failed'));
      },
    });
    this.surface = surface;
    this.renderer = new KitRenderer(surface, options.toolDisplay, options.deps.metrics);
    registerListeners(this.app, { inbound, commands, logger: log, onHandled: options.onHandled });
  }

  /** Checks the token (`auth.test`), then listens on `PORT` or opens the Socket Mode connection. */
  async start(): Promise<void> {
    try {
      await this.app.init();
    } catch (error) {
      const refused = toSlackError('auth.test', error);
      const message = `Slack refused the bot token (${refused.slackError}): check SLACK_BOT_TOKEN`;
      throw new PlatformError('slack', message, { cause: error });
    }
    // Only once the token is good: a bot that cannot start must not take over Slack's answers.
    this.options.deps.orchestrator.registerRenderer('slack', this.renderer);
    if (this.config.appToken !== undefined) {
      await this.app.start();
      this.started = true;
      return;
    }
    // HTTP mode: Bolt's receiver checks signatures and acknowledges; the app's server routes to it.
    const receiver = this.receiver as HTTPReceiver;
    const events = (
      req: Parameters<HTTPReceiver['requestListener']>[0],
      res: Parameters<HTTPReceiver['requestListener']>[1],
    ) => receiver.requestListener(req, res);
    if (this.options.http) {
      this.options.http.route('POST', SLACK_EVENTS_PATH, events);
    } else {
      this.ownServer = createHttpServer();
      this.ownServer.route('POST', SLACK_EVENTS_PATH, events);
      this.listening = await this.ownServer.listen(this.options.port ?? 0, this.options.host);
    }
    this.started = true;
  }

  async stop(): Promise<void> {
    // Bolt's receivers throw when stopped before they started (e.g. the token was refused).
    if (!this.started) return;
    this.started = false;
    if (this.config.appToken !== undefined) await this.app.stop();
    await this.ownServer?.close();
    this.ownServer = undefined;
    // Messages still waiting for the store are answered now ("send it again"), not dropped.
    this.intake.stop();
    this.listening = undefined;
  }

  /** Settles once the tidying up after answers (working lines removed, streams stopped) is done. */
  settled(): Promise<void> {
    return this.surface.settled();
  }

  /** HTTP mode without the app's server: where the adapter's own listens once started. */
  get address(): AddressInfo | undefined {
    return this.listening;
  }
}

function createReceiver(
  config: SlackConfig,
  log: AdapterDeps['logger'],
  slackApiUrl: string,
  retryConfig: { retries: number; factor: number },
): Receiver {
  const logger = boltLogger(log);
  if (config.appToken !== undefined) {
    // The Socket Mode client makes its own Web API client (for apps.connections.open): point it here too.
    return new SocketModeReceiver({
      appToken: config.appToken,
      logger,
      installerOptions: { clientOptions: { slackApiUrl, retryConfig } },
    });
  }
  if (config.signingSecret === undefined) {
    throw new ConfigError([
      {
        variable: 'SLACK_SIGNING_SECRET',
        problem: 'is required for HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)',
      },
    ]);
  }
  return new HTTPReceiver({ signingSecret: config.signingSecret, endpoints: SLACK_EVENTS_PATH, logger });
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
