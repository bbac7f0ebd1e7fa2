import { ConsoleAdapter, type ConsoleAdapterOptions } from './adapters/console/console-adapter.js';
import type { TerminalSize } from './adapters/console/terminal-text.js';
import { type App, createApp } from './app.js';
import { secretValues } from './config/secrets.js';
import type { AppConfig, LimitsConfig } from './config/types.js';
import { configFromProcess } from './configure.js';
import { createLogger } from './core/logger.js';
import { reportStartupFailure } from './startup-failure.js';

/**
 * The console's access policy. Its one user is the operator at their own terminal (or their script),
 * not a chat user: the chat limits (messages a minute, daily token budgets) protect the bot from its
 * users and are not theirs. Every line is answered; none is refused.
 */
export const CONSOLE_LIMITS = {
  perUserPerMinute: 0,
  dailyTokensPerUser: 0,
  dailyTokensPerConversation: 0,
} as const satisfies LimitsConfig;

/** The size assumed for a terminal that does not tell its own. */
const DEFAULT_TERMINAL_SIZE = { columns: 80, rows: 24 } as const satisfies TerminalSize;

/** The terminal the console talks to; the process's own by default. */
export interface ConsoleStreams {
  /** Typed on the terminal too (`isTTY`): lines are edited in the console. */
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  /** A terminal (`isTTY`) shows text as it streams; `columns` and `rows` are its size. */
  output: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  errors: NodeJS.WritableStream;
}

/**
 * `npm run console`: chat with the assistant in a terminal, one message per line; also works piped.
 * Resolves when input ends and the last answer is written.
 */
export async function runConsole(
  config: AppConfig,
  session = 'default',
  streams: ConsoleStreams = { input: process.stdin, output: process.stdout, errors: process.stderr },
  /** Started on the console's app once it is up, and closed before it (the demo's web chat). */
  alongside?: (app: App) => Promise<{ close(): Promise<void> }>,
): Promise<void> {
  const logger = createLogger(config.logLevel, streams.errors, { secrets: secretValues(config) });
  const app = await createApp(config, logger, { limits: CONSOLE_LIMITS });
  const extra = await alongside?.(app).catch(async (error: unknown) => {
    await app.close();
    throw error;
  });
  try {
    const adapter = new ConsoleAdapter({
      input: streams.input,
      out: streams.output,
      ...forAPerson(streams),
      outputDir: config.consoleOutputDir,
      session,
    });
    await adapter.run(app.orchestrator);
  } finally {
    await extra?.close();
    await app.close();
  }
}

/** What changes when a person is at a terminal (`isTTY`) rather than a script at a pipe. */
function forAPerson(
  streams: ConsoleStreams,
): Pick<ConsoleAdapterOptions, 'status' | 'terminal' | 'keyboard'> {
  const output = streams.output;
  // Piped output stays the answers alone, each written once, final.
  if (!output.isTTY) return { status: undefined, terminal: undefined };
  return {
    // Progress lines only help a person watching.
    status: streams.errors,
    // Read at each use: the window may be resized while the console runs.
    terminal: {
      get columns() {
        return output.columns ?? DEFAULT_TERMINAL_SIZE.columns;
      },
      get rows() {
        return output.rows ?? DEFAULT_TERMINAL_SIZE.rows;
      },
    },
    keyboard: streams.input.isTTY
      ? {
          screen: output,
          // Readline reads Ctrl-C as a key (the terminal is in raw mode): it stops the console as it
          // stops any program.
          interrupt: () => process.kill(process.pid, 'SIGINT'),
        }
      : undefined,
  };
}

/** Is this module the process's entry point (not imported by the demo or a test)? */
export function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && new URL(moduleUrl).pathname === script;
}

if (isEntryPoint(import.meta.url)) {
  try {
    const session = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
    await runConsole(configFromProcess(), session);
  } catch (error) {
    reportStartupFailure(error);
  }
}
