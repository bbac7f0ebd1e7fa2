import type { PlatformAdapter } from './adapters/adapter.js';
import { type App, createApp } from './app.js';
import { createProfileSource } from './config/profiles/index.js';
import { secretValues } from './config/secrets.js';
import type { AppConfig } from './config/types.js';
import { configFromProcess, profilesFromProcess } from './configure.js';
import { ConfigError } from './core/errors.js';
import { createLogger, type Logger } from './core/logger.js';
import { createHttpServer, type HttpServer } from './ops/http-server.js';
import { addOpsRoutes, type ReadinessCheck } from './ops/ops-server.js';
import { createPrometheusMetrics } from './ops/prometheus.js';
import { anyPlatformConfigured, createAdapters } from './platforms.js';
import { installProcessGuards } from './process-guards.js';
import { reportStartupFailure } from './startup-failure.js';

/** What `npm start` says when there is nothing to connect to. */
export const NO_PLATFORM_HINT = [
  'No chat platform is configured. Set one of these (in the environment or a .env file; see .env.example):',
  '  - Discord: DISCORD_TOKEN (and DISCORD_GUILD_ID to register commands in one server at once)',
  '  - Slack:   SLACK_BOT_TOKEN with SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode on PORT)',
  '  - Web:     WEB_ENABLED=true (a chat page on PORT at /chat/, for this machine only unless WEB_AUTH says otherwise)',
  'Or chat in a terminal: `npm run console` (needs OPENAI_API_KEY), or `npm run demo` (needs nothing).',
].join('\n');

/** The running bot: what SIGTERM has to stop, in order. */
interface Running {
  app: App;
  adapters: PlatformAdapter[];
  http: HttpServer;
  logger: Logger;
}

/**
 * Starts the core, the app's HTTP server on PORT (health, readiness, metrics, and the routes of the
 * platforms that take HTTP requests) and every configured platform of the registry.
 */
async function start(config: AppConfig): Promise<Running> {
  const logger = createLogger(config.logLevel, process.stderr, { secrets: secretValues(config) });
  const prometheus = createPrometheusMetrics();
  // The last line behind the adapters' own guards: see process-guards.ts for when the process exits.
  installProcessGuards({ logger, count: (fault) => prometheus.faults.processFault(fault) });
  const profiles = createProfileSource({
    initial: config.profiles,
    load: () => profilesFromProcess(config),
    watchFile: config.profiles.file,
    logger,
  });
  const app = await createApp(config, logger, { metrics: prometheus.metrics, profiles });
  const started = new Set<string>();
  const checks: ReadinessCheck[] = [
    { name: 'store', ready: () => app.store.ping() },
    { name: 'model_service', ready: () => app.modelService.ready() },
  ];
  const http = createHttpServer();
  addOpsRoutes(http, { registry: prometheus.registry, checks });
  const adapters = createAdapters(config, {
    deps: {
      orchestrator: app.orchestrator,
      store: app.store,
      logger,
      storeHold: { holdMs: config.storeOutage.holdMs, maxPerConversation: config.run.maxQueuedMessages },
      metrics: prometheus.metrics,
    },
    toolDisplay: config.toolDisplay,
    maxAttachmentBytes: config.run.maxAttachmentBytes,
    limits: config.limits,
    http,
    onDroppedEvent: (platform, type) => prometheus.faults.droppedEvent(platform, type),
  });
  for (const adapter of adapters)
    checks.push({ name: adapter.platform, ready: () => started.has(adapter.platform) });
  const running: Running = { app, adapters, http, logger };
  try {
    await http.listen(config.port);
    for (const adapter of adapters) {
      await adapter.start();
      started.add(adapter.platform);
      logger.info({ platform: adapter.platform }, 'adapter started');
    }
  } catch (error) {
    await stop(running);
    throw error;
  }
  // Now that every platform can be posted to: finish the answers a crash or a stop left unfinished.
  const resumed = await app.orchestrator.resumeUnfinished();
  if (resumed > 0) logger.info({ resumed }, 'resuming unfinished runs');
  return running;
}

/** Stops taking events, lets the core finish, closes connections. */
async function stop(running: Running): Promise<void> {
  for (const adapter of running.adapters) {
    await adapter
      .stop()
      .catch((err: unknown) => running.logger.warn({ err }, 'adapter did not stop cleanly'));
  }
  await running.http.close();
  await running.app.close();
}

/** `npm start`: load the configuration, start the configured adapters, stop on SIGTERM or SIGINT. */
async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = configFromProcess();
  } catch (error) {
    reportStartupFailure(error, error instanceof ConfigError ? NO_PLATFORM_HINT : undefined);
    return;
  }
  if (!anyPlatformConfigured(config)) {
    process.stderr.write(`${NO_PLATFORM_HINT}\n`);
    process.exitCode = 1;
    return;
  }
  const running = await start(config);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    running.logger.info({ signal }, 'shutting down');
    stop(running).then(
      () => process.exit(0),
      (err: unknown) => {
        running.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  // SIGHUP re-reads the profiles file (and .env, for rotated secrets); a broken file is logged and ignored.
  process.on('SIGHUP', () => running.app.profiles.reload('SIGHUP'));
}

main().catch((error: unknown) => reportStartupFailure(error));
