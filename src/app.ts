import { hostname } from 'node:os';
import type { Backend } from './backends/backend.js';
import { createBackend } from './backends/create-backend.js';
import { watchHealth } from './backends/watch-health.js';
import { createProfileSource, type ProfileSource, type Profiles } from './config/profiles/index.js';
import type { AppConfig, LimitsConfig } from './config/types.js';
import type { Logger } from './core/logger.js';
import type { Metrics } from './core/metrics.js';
import { ModelServiceHealth } from './core/model-service-health.js';
import { startCleanup, threadTtlMs } from './orchestrator/conversations/cleanup.js';
import { Orchestrator } from './orchestrator/orchestrator.js';
import { createStore } from './store/create-store.js';
import type { Store } from './store/types.js';
import { BUILT_IN_TOOLS, createHttpTool, type FunctionTool, type ToolRegistry } from './tools/index.js';
import { createLiveToolRegistry } from './tools/live-registry.js';

/** The platform-free core of a running bot: what every adapter plugs into. */
export interface App {
  config: AppConfig;
  logger: Logger;
  store: Store;
  backend: Backend;
  orchestrator: Orchestrator;
  /** The function tools of every profile (built-in and HTTP tools), swapped when the profiles change. */
  tools: ToolRegistry;
  /** The assistant profiles in force; `reload()` on SIGHUP. */
  profiles: ProfileSource;
  /** Whether the model service can answer (not while it refuses the key, the model or for credit): for /readyz. */
  modelService: ModelServiceHealth;
  /** Stops the cleanup sweep, gives running answers SHUTDOWN_GRACE_MS to finish, then closes the store. */
  close(): Promise<void>;
}

/** What a composition root may choose besides the configuration. */
export interface AppOptions {
  metrics?: Metrics;
  profiles?: ProfileSource;
  /**
   * The access limits every message of this process is held to; the configured ones (`config.limits`)
   * when absent. The console hands in its own: its one user is the operator.
   */
  limits?: LimitsConfig;
}

/** Builds store, tools, backend and orchestrator from the configuration, and readies the backend. */
export async function createApp(config: AppConfig, logger: Logger, options: AppOptions = {}): Promise<App> {
  const profiles =
    options.profiles ??
    createProfileSource({ initial: config.profiles, load: () => config.profiles, logger });
  const store = await createStore(config.store, {
    retryMs: config.storeOutage.retryMs,
    onRetry: (operation, attempt, err) =>
      logger.debug({ err, operation, attempt }, 'the store cannot be reached; retrying the call'),
  });
  try {
    const initial = profiles.current();
    const tools = createLiveToolRegistry(functionTools(initial), enabledTools(initial));
    profiles.onChange((next) => {
      try {
        tools.replace(functionTools(next), enabledTools(next));
      } catch (err) {
        logger.error(
          { err },
          'the reloaded profiles name a tool that does not exist; the tools in force stay',
        );
      }
    });
    // Runs carry their profile's tools; these (the default profile's) are the backend's own: the
    // Assistants API's assistant object, and runs without a profile.
    const defaults = new Set(initial.profiles.get(initial.defaultProfile)?.functionTools);
    const functions = tools.definitions().filter((definition) => defaults.has(definition.name));
    const modelService = new ModelServiceHealth({
      logger,
      onError: (code) => options.metrics?.modelServiceError?.(config.assistant.backend, code),
    });
    const backend = watchHealth(createBackend(config, { store, functions, logger }), modelService);
    await backend.prepare();
    const orchestrator = new Orchestrator({
      backend,
      store,
      tools,
      run: config.run,
      limits: options.limits ?? config.limits,
      logger,
      // Unique among instances running at once (two cannot listen on one host's PORT), and the same
      // after a restart: a restarted instance takes its conversations back without waiting.
      instanceId: `${hostname()}:${config.port}`,
      profiles: () => profiles.current(),
      approvalTimeoutMs: config.approvals.timeoutMs,
      storeOutage: config.storeOutage,
      ...(options.metrics ? { metrics: options.metrics } : {}),
    });
    // Listening before any adapter takes events: a stop or a decision for a run here is heard.
    await orchestrator.start();
    const { threadTtlDays, intervalMs } = config.cleanup;
    const cleanup =
      threadTtlDays > 0
        ? startCleanup({
            store,
            backend,
            orchestrator,
            ttlMs: threadTtlMs(threadTtlDays),
            intervalMs,
            logger,
          })
        : undefined;
    return {
      config,
      logger,
      store,
      backend,
      orchestrator,
      tools,
      profiles,
      modelService,
      async close() {
        profiles.close();
        await cleanup?.stop();
        await orchestrator.stop(config.run.shutdownGraceMs);
        await store.close();
      },
    };
  } catch (error) {
    profiles.close();
    await store.close();
    throw error;
  }
}

/** The built-in tools and the profiles' HTTP tools. */
function functionTools(profiles: Profiles): FunctionTool[] {
  return [...BUILT_IN_TOOLS, ...profiles.httpTools.map((spec) => createHttpTool(spec))];
}

/** Every function tool some profile enables: the registry runs the calls of any profile. */
function enabledTools(profiles: Profiles): string[] {
  return [...new Set([...profiles.profiles.values()].flatMap((profile) => profile.functionTools))];
}
