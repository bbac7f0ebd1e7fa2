import type { AppConfig } from '../../config/types.js';
import type { Logger } from '../../core/logger.js';
import type { Store } from '../../store/types.js';
import type { AdapterOrchestrator } from '../adapter.js';
import { normalizeBasePath } from './config.js';
import { WebAdapter } from './web-adapter.js';

/** What the demo's web chat runs on: the console's app. */
export interface DemoApp {
  config: AppConfig;
  logger: Logger;
  store: Store;
  orchestrator: AdapterOrchestrator;
}

/**
 * `npm run demo`'s web chat: on 127.0.0.1 only (loopback mode, whatever the configuration says), on
 * PORT when it is free, else on any free port; `announce` is told its URL.
 */
export async function startDemoWeb(
  app: DemoApp,
  config: AppConfig,
  announce: (url: string) => void,
): Promise<{ close(): Promise<void> }> {
  const make = (port: number) =>
    new WebAdapter(
      {
        basePath: config.platforms.web?.basePath ?? normalizeBasePath(undefined),
        auth: { mode: 'loopback' },
      },
      {
        deps: { orchestrator: app.orchestrator, store: app.store, logger: app.logger },
        toolDisplay: config.toolDisplay,
        maxAttachmentBytes: config.run.maxAttachmentBytes,
        limits: config.limits,
        host: '127.0.0.1',
        port,
      },
    );
  let adapter = make(config.port);
  try {
    await adapter.start();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    adapter = make(0);
    await adapter.start();
  }
  announce(adapter.url ?? '');
  const running = adapter;
  return { close: () => running.stop() };
}
