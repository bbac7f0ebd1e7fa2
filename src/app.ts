import type { Backend } from './backends/backend.js';
import { createBackend } from './backends/create-backend.js';
import type { AppConfig } from './config/types.js';
import type { Logger } from './core/logger.js';
import type { Metrics } from './core/metrics.js';
import { startCleanup, threadTtlMs } from './orchestrator/cleanup.js';
import { Orchestrator } from './orchestrator/orchestrator.js';
import { createStore } from './store/create-store.js';
import type { Store } from './store/types.js';
import { BUILT_IN_TOOLS, createToolRegistry } from './tools/index.js';

/** The platform-free core of a running bot: what every adapter plugs into. */
export interface App {
  config: AppConfig;
  logger: Logger;
  store: Store;
  backend: Backend;
  orchestrator: Orchestrator;
  /** Stops the cleanup sweep, gives running answers SHUTDOWN_GRACE_MS to finish, then closes the store. */
  close(): Promise<void>;
}

/** Builds store, tools, backend and orchestrator from the configuration, and readies the backend. */
export async function createApp(
  config: AppConfig,
  logger: Logger,
  options: { metrics?: Metrics } = {},
): Promise<App> {
  const store = await createStore(config.store);
  try {
    const tools = createToolRegistry(BUILT_IN_TOOLS, config.assistant.functionTools);
    const backend = createBackend(config, { store, functions: tools.definitions(), logger });
    await backend.prepare();
    const orchestrator = new Orchestrator({
      backend,
      store,
      tools,
      run: config.run,
      limits: config.limits,
      logger,
      ...(options.metrics ? { metrics: options.metrics } : {}),
    });
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
      async close() {
        await cleanup?.stop();
        await orchestrator.stop(config.run.shutdownGraceMs);
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
