import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import type { PlatformAdapter } from '../src/adapters/adapter.js';
import { ConsoleAdapter } from '../src/adapters/console/console-adapter.js';
import type { RateBudgetOptions } from '../src/adapters/kit/rate-budget.js';
import { SLACK_EVENTS_PATH } from '../src/adapters/slack/slack-adapter.js';
import type { SlackRates } from '../src/adapters/slack/slack-api.js';
import { type App, createApp } from '../src/app.js';
import type { BackendName } from '../src/backends/backend.js';
import { configFromEnv } from '../src/configure.js';
import { createLogger } from '../src/core/logger.js';
import type { FakeOpenAI } from '../src/model-server/index.js';
import { createHttpServer, type HttpServer } from '../src/ops/http-server.js';
import { createAdapters } from '../src/platforms.js';
import type { FakeDiscord } from '../test/fakes/discord/index.js';
import { FAKE_TEAM, type FakeSlack, SlackSender } from '../test/fakes/slack/index.js';
import { now } from './stats.js';

/** Budgets wide open: for measuring the code path alone, where pacing (scenario 3) must not count. */
export const OPEN_BUDGET: RateBudgetOptions = { perSecond: 100_000, burst: 100_000 };
export const OPEN_SLACK_RATES: SlackRates = {
  tier2: OPEN_BUDGET,
  tier3: OPEN_BUDGET,
  tier4: OPEN_BUDGET,
  postPerChannel: OPEN_BUDGET,
  special: OPEN_BUDGET,
};

export interface BenchBotOptions {
  backend: BackendName;
  openai: FakeOpenAI;
  discord?: FakeDiscord;
  slack?: FakeSlack;
  console?: boolean;
  /** The web chat on the bot's server (loopback mode, as `npm run demo` has it). */
  web?: boolean;
  /** Discord's shared budget (default: the adapter's own, Discord's limits). */
  discordBudget?: RateBudgetOptions;
  /** Slack's per-tier budgets (default: the adapter's own, Slack's limits). */
  slackRates?: SlackRates;
  appendIntervalMs?: number;
  /** More environment variables, as an operator would set them. */
  env?: Record<string, string>;
}

/** One write to the console's standard output, timed. */
export interface ConsoleWrite {
  at: number;
  text: string;
}

/**
 * The real bot, assembled as src/main.ts assembles it (config from environment variables, createApp,
 * the adapters), pointed at the fakes over loopback. Only the adapters' testing hooks are used: the
 * origins of the fakes and, where a scenario says so, the rate budgets.
 */
export class BenchBot {
  readonly consoleWrites: ConsoleWrite[] = [];
  private consoleListeners = new Set<() => void>();
  private readonly input = new PassThrough();
  private consoleDone: Promise<void> | undefined;
  slackSender: SlackSender | undefined;
  /** The port of Slack's HTTP mode (events go to /slack/events there). */
  slackPort: number | undefined;
  /** The web chat's URL on the bot's server, when it runs (`web: true`). */
  webUrl: string | undefined;

  private constructor(
    readonly app: App,
    private readonly adapters: PlatformAdapter[],
    private readonly dir: string,
    private readonly http: HttpServer,
  ) {}

  static async start(options: BenchBotOptions): Promise<BenchBot> {
    const dir = mkdtempSync(join(tmpdir(), 'threadloom-bench-'));
    const env: Record<string, string> = {
      OPENAI_API_KEY: 'bench',
      OPENAI_BASE_URL: options.openai.url,
      ASSISTANT_BACKEND: options.backend,
      STORE_URL: `sqlite://${join(dir, 'store.sqlite')}`,
      CONSOLE_OUTPUT_DIR: join(dir, 'output'),
      LOG_LEVEL: 'silent',
      RATE_LIMIT_PER_USER_PER_MIN: '0',
      THREAD_TTL_DAYS: '0',
      MAX_QUEUED_MESSAGES: '100',
      ...(options.discord && {
        DISCORD_TOKEN: options.discord.token,
        DISCORD_API_URL: options.discord.apiUrl,
        DISCORD_GUILD_ID: options.discord.directory.guildId,
        DISCORD_MESSAGE_CONTENT: 'true',
      }),
      ...(options.slack && {
        SLACK_BOT_TOKEN: FAKE_TEAM.botToken,
        SLACK_SIGNING_SECRET: FAKE_TEAM.signingSecret,
        SLACK_API_URL: options.slack.apiUrl,
      }),
      ...(options.web && { WEB_ENABLED: 'true' }),
      ...options.env,
    };
    const config = configFromEnv(env);
    const logger = createLogger(config.logLevel);
    const app = await createApp(config, logger);
    // The app's own HTTP server and the platform registry, as `npm start` has them; the hooks point
    // the adapters at the fakes.
    const http = createHttpServer();
    const adapters = createAdapters(config, {
      deps: { orchestrator: app.orchestrator, store: app.store, logger },
      toolDisplay: config.toolDisplay,
      maxAttachmentBytes: config.run.maxAttachmentBytes,
      limits: config.limits,
      http,
      overrides: {
        discord: {
          ...(options.discord && { attachmentOrigins: [options.discord.origin] }),
          ...(options.discordBudget && { budget: options.discordBudget }),
        },
        slack: {
          ...(options.slack && { fileHosts: [options.slack.host] }),
          ...(options.slackRates && { rates: options.slackRates }),
          ...(options.appendIntervalMs !== undefined && { appendIntervalMs: options.appendIntervalMs }),
        },
      },
    });
    const bot = new BenchBot(app, adapters, dir, http);
    const { port } = await http.listen(0, '127.0.0.1');
    for (const adapter of adapters) await adapter.start();
    if (options.slack) {
      bot.slackPort = port;
      bot.slackSender = new SlackSender(
        `http://127.0.0.1:${port}${SLACK_EVENTS_PATH}`,
        FAKE_TEAM.signingSecret,
      );
    }
    if (options.web) bot.webUrl = `http://127.0.0.1:${port}${config.platforms.web?.basePath ?? '/chat'}`;
    if (options.console) bot.startConsole(config.consoleOutputDir);
    return bot;
  }

  private startConsole(outputDir: string): void {
    const out = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        this.consoleWrites.push({ at: now(), text: chunk.toString('utf8') });
        for (const listener of this.consoleListeners) listener();
        callback();
      },
    });
    // As in a terminal: text is printed as it streams.
    const adapter = new ConsoleAdapter({
      input: this.input,
      out,
      status: undefined,
      terminal: { columns: 80, rows: 24 },
      outputDir,
      session: 'bench',
    });
    this.consoleDone = adapter.run(this.app.orchestrator);
  }

  /** A person types a line into the console. */
  typeLine(text: string): void {
    this.input.write(`${text}\n`);
  }

  /** Resolves with the first console write at or after `index` that satisfies `probe`. */
  consoleWrite(
    index: number,
    probe: (w: ConsoleWrite) => boolean,
    timeoutMs = 30_000,
  ): Promise<ConsoleWrite> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.consoleWrites.slice(index).find(probe);
        if (!found) return;
        cleanup();
        resolve(found);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error('console: timed out waiting for output'));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.consoleListeners.delete(check);
      };
      this.consoleListeners.add(check);
      check();
    });
  }

  idle(): Promise<void> {
    return this.app.orchestrator.idle();
  }

  async close(): Promise<void> {
    this.input.end();
    await this.consoleDone?.catch(() => undefined);
    for (const adapter of this.adapters) await adapter.stop().catch(() => undefined);
    await this.http.close();
    await this.app.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
