import { ConsoleAdapter } from './adapters/console/console-adapter.js';
import { createApp } from './app.js';
import type { AppConfig } from './config/types.js';
import { createLogger } from './core/logger.js';
import { reportStartupFailure } from './startup-failure.js';

/**
 * `npm run console`: chat with the assistant in a terminal, one message per line; also works piped.
 * Exits 0 when input ends and the last answer is written.
 */
export async function runConsole(config: AppConfig, session = 'default'): Promise<void> {
  const logger = createLogger(config.logLevel);
  const app = await createApp(config, logger);
  try {
    const adapter = new ConsoleAdapter({
      input: process.stdin,
      out: process.stdout,
      status: process.stdout.isTTY ? process.stderr : undefined,
      stream: Boolean(process.stdout.isTTY),
      outputDir: config.consoleOutputDir,
      session,
    });
    await adapter.run(app.orchestrator);
  } finally {
    await app.close();
  }
}

const isEntryPoint = import.meta.url === `file://${process.argv[1]}`;
if (isEntryPoint) {
  const { loadConfigFromProcess } = await import('./config/load-config.js');
  try {
    const session = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
    await runConsole(loadConfigFromProcess(), session);
  } catch (error) {
    reportStartupFailure(error);
  }
}
