import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssistantsBackend } from '../../src/backends/assistants/assistants-backend.js';
import type { PollingOptions } from '../../src/backends/assistants/assistants-run.js';
import type { Backend, BackendName } from '../../src/backends/backend.js';
import { ResponsesBackend } from '../../src/backends/responses/responses-backend.js';
import { createOpenAIClient } from '../../src/backends/shared/openai-client.js';
import type { Profiles } from '../../src/config/profiles/index.js';
import type { AssistantConfig, LimitsConfig, RunConfig } from '../../src/config/types.js';
import { type ConversationKey, conversationKey } from '../../src/core/conversation.js';
import { type Logger, silentLogger } from '../../src/core/logger.js';
import type { InboundFile, InboundMessage } from '../../src/core/messages.js';
import type { ReplyEvent } from '../../src/core/reply-events.js';
import { type FakeOpenAI, startFakeOpenAI } from '../../src/model-server/index.js';
import { Orchestrator } from '../../src/orchestrator/orchestrator.js';
import type { SubmitOutcome } from '../../src/orchestrator/orchestrator-options.js';
import type { ToolExecutor } from '../../src/orchestrator/turn/turn-deps.js';
import { createStore, type StoreOptions } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/types.js';
import { BUILT_IN_TOOLS, createToolRegistry, type FunctionTool } from '../../src/tools/index.js';
import { RecordingRenderer } from '../support/recording-renderer.js';

export const TEST_ASSISTANT: AssistantConfig = {
  backend: 'assistants',
  conversationMode: 'conversations',
  id: undefined,
  name: 'threadloom-test',
  model: 'o3',
  instructions: 'Be helpful.',
  codeInterpreter: true,
  fileSearch: true,
  webSearch: false,
  imageGeneration: false,
  functionTools: ['current_time'],
  vectorStoreIds: [],
};

export const TEST_RUN: RunConfig = {
  timeoutMs: 10_000,
  toolTimeoutMs: 2_000,
  maxQueuedMessages: 10,
  maxAttachmentBytes: 1024 * 1024,
  streamStallMs: 10_000,
  shutdownGraceMs: 0,
  conversationLeaseMs: 5000,
};

export interface HarnessOptions {
  run?: Partial<RunConfig>;
  /** Where the bot's logs go (silent unless a test reads them). */
  logger?: Logger;
  /** The SDK's own retries (429, 5xx); 0 unless a test is about them. */
  maxRetries?: number;
  /** Assistants backend: how runs are polled. */
  polling?: Partial<PollingOptions>;
  assistant?: Partial<AssistantConfig>;
  /** The profiles in force, read per turn (as the app passes `ProfileSource.current`). */
  profiles?: () => Profiles;
  /** APPROVAL_TIMEOUT_MS (default: the orchestrator's). */
  approvalTimeoutMs?: number;
  /** Function tools offered besides the built-in ones (all enabled), e.g. one that needs approval. */
  tools?: readonly FunctionTool[];
  /** How the SQLite store retries and waits on a locked file (default: the store's). */
  store?: StoreOptions;
  /** Access and cost limits (RATE_LIMIT_PER_USER_PER_MINUTE...); none unless a test is about them. */
  limits?: LimitsConfig;
}

/** A message an adapter submitted, and what the orchestrator said. */
export interface Submission {
  message: InboundMessage;
  outcome: SubmitOutcome;
}

/** The orchestrator as an adapter holds it (the console also waits for the last answer). */
export type OrchestratorPort = Pick<
  Orchestrator,
  'registerRenderer' | 'submit' | 'cancel' | 'reset' | 'isBusy' | 'decide' | 'idle'
>;

/** The whole platform-free bot (real SDK, real store, real orchestrator) against the fake server. */
export class Harness {
  readonly key: ConversationKey = conversationKey('test', 'conversation');
  readonly renderer = new RecordingRenderer();
  /** What adapters submitted through `port`, oldest first. */
  readonly submissions: Submission[] = [];
  private readonly watchers = new Set<() => void>();
  private count = 0;

  private constructor(
    readonly fake: FakeOpenAI,
    readonly store: Store,
    readonly backend: Backend,
    readonly orchestrator: Orchestrator,
    private readonly dir: string,
    private readonly tools: ToolExecutor,
    private readonly run: RunConfig,
    private readonly profiles: (() => Profiles) | undefined,
    /** APPROVAL_TIMEOUT_MS and the limits, when a test sets them. */
    private readonly settings: { approvalTimeoutMs?: number; limits?: LimitsConfig } = {},
  ) {}

  /** The store's SQLite file (a test may lock it from another connection, as another process would). */
  get storeFile(): string {
    return join(this.dir, 'store.sqlite');
  }

  /**
   * The orchestrator as adapters under test hold it: every submission and its outcome is recorded in
   * `submissions`, so a test waits until the bot took a message instead of waiting for time.
   */
  readonly port: OrchestratorPort = {
    registerRenderer: (platform, renderer) => this.orchestrator.registerRenderer(platform, renderer),
    submit: async (message) => {
      const outcome = await this.orchestrator.submit(message);
      this.submissions.push({ message, outcome });
      for (const watcher of this.watchers) watcher();
      return outcome;
    },
    cancel: (key) => this.orchestrator.cancel(key),
    reset: (key) => this.orchestrator.reset(key),
    isBusy: (key) => this.orchestrator.isBusy(key),
    decide: (approvalId, decider) => this.orchestrator.decide(approvalId, decider),
    idle: () => this.orchestrator.idle(),
  };

  /** Calls `listener` after each submission through `port`; returns how to stop. */
  watch(listener: () => void): () => void {
    this.watchers.add(listener);
    return () => this.watchers.delete(listener);
  }

  /**
   * The process "starts again": a new orchestrator over the same backend and store (the old one is
   * left as stopped), rendering into the same recorder. Resumes what the store says is unfinished.
   */
  async restart(): Promise<Orchestrator> {
    const orchestrator = new Orchestrator({
      backend: this.backend,
      store: this.store,
      tools: this.tools,
      run: this.run,
      logger: silentLogger(),
      ...(this.profiles ? { profiles: this.profiles } : {}),
      ...this.settings,
    });
    orchestrator.registerRenderer('test', this.renderer);
    await orchestrator.resumeUnfinished();
    return orchestrator;
  }

  static async start(backendName: BackendName, options: HarnessOptions = {}): Promise<Harness> {
    const fake = await startFakeOpenAI({ pollAfterMs: 10 });
    const dir = mkdtempSync(join(tmpdir(), 'contract-'));
    const store = await createStore({ kind: 'sqlite', path: join(dir, 'store.sqlite') }, options.store);
    const extra = options.tools ?? [];
    const tools = createToolRegistry(
      [...BUILT_IN_TOOLS, ...extra],
      [...TEST_ASSISTANT.functionTools, ...extra.map((t) => t.name)],
    );
    const client = createOpenAIClient(
      { apiKey: 'test', baseURL: fake.url },
      { maxRetries: options.maxRetries ?? 0 },
    );
    const logger = options.logger ?? silentLogger();
    const backend = createTestBackend(backendName, {
      client,
      assistant: { ...TEST_ASSISTANT, ...options.assistant, backend: backendName },
      functions: tools.definitions(),
      store,
      logger,
      polling: { ...TEST_POLLING, ...options.polling },
      stallMs: options.run?.streamStallMs ?? TEST_RUN.streamStallMs,
    });
    await backend.prepare();
    const run = { ...TEST_RUN, ...options.run };
    const profiles = options.profiles;
    const settings = {
      ...(options.approvalTimeoutMs === undefined ? {} : { approvalTimeoutMs: options.approvalTimeoutMs }),
      ...(options.limits === undefined ? {} : { limits: options.limits }),
    };
    const orchestrator = new Orchestrator({
      backend,
      store,
      tools,
      run,
      logger,
      ...(profiles ? { profiles } : {}),
      ...settings,
    });
    const harness = new Harness(fake, store, backend, orchestrator, dir, tools, run, profiles, settings);
    orchestrator.registerRenderer('test', harness.renderer);
    return harness;
  }

  /** Submits a user message; resolves to what the submit said. */
  submit(text: string, files: InboundFile[] = []): Promise<string> {
    const id = `m${++this.count}`;
    const message: InboundMessage = {
      id,
      key: this.key,
      userId: 'user-1',
      text,
      files,
      replyTo: { message: id },
      receivedAt: Date.now(),
    };
    return this.orchestrator.submit(message);
  }

  /** Sends one message and returns the reply events of its turn once everything is idle. */
  async ask(text: string, files: InboundFile[] = []): Promise<ReplyEvent[]> {
    const before = this.renderer.renders.length;
    await this.submit(text, files);
    await this.orchestrator.idle();
    return this.renderer.renders.slice(before).flatMap((r) => r.events);
  }

  /** Requests the fake model server received, by method and path pattern. */
  requestsTo(method: string, path: RegExp) {
    return this.fake.requests.filter((r) => r.method === method && path.test(r.path));
  }

  async close(): Promise<void> {
    await this.orchestrator.stop();
    await this.store.close();
    await this.fake.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const TEST_POLLING: PollingOptions = { initialMs: 10, maxMs: 50, stepPageSize: 100 };

interface BackendFactoryDeps {
  polling: PollingOptions;
  stallMs?: number;
  client: ReturnType<typeof createOpenAIClient>;
  assistant: AssistantConfig;
  functions: ReturnType<ReturnType<typeof createToolRegistry>['definitions']>;
  store: Store;
  logger: ReturnType<typeof silentLogger>;
}

function createTestBackend(name: BackendName, deps: BackendFactoryDeps): Backend {
  switch (name) {
    case 'assistants':
      return new AssistantsBackend({
        client: deps.client,
        assistant: deps.assistant,
        functions: deps.functions,
        assistants: deps.store.assistants,
        logger: deps.logger,
        polling: deps.polling,
        cancelGraceMs: 2000,
        stallMs: deps.stallMs ?? TEST_RUN.streamStallMs,
      });
    case 'responses':
      return new ResponsesBackend({
        client: deps.client,
        assistant: deps.assistant,
        functions: deps.functions,
        threads: deps.store.threads,
        logger: deps.logger,
        retry: { initialMs: 10, maxMs: 50, resumeAttempts: 3, lockedAttempts: 12 },
        cancelGraceMs: 2000,
        stallMs: deps.stallMs ?? TEST_RUN.streamStallMs,
      });
  }
}

/**
 * A second start of the Assistants backend on the same fake server and store, as after a restart;
 * resolves once `prepare()` found or made its assistant.
 */
export async function restartAssistants(
  fake: FakeOpenAI,
  store: Store,
  assistant: Partial<AssistantConfig> = {},
): Promise<Backend> {
  const tools = createToolRegistry(BUILT_IN_TOOLS, TEST_ASSISTANT.functionTools);
  const backend = createTestBackend('assistants', {
    client: createOpenAIClient({ apiKey: 'test', baseURL: fake.url }, { maxRetries: 0 }),
    assistant: { ...TEST_ASSISTANT, ...assistant },
    functions: tools.definitions(),
    store,
    logger: silentLogger(),
    polling: TEST_POLLING,
  });
  await backend.prepare();
  return backend;
}

/** Events of one type, typed. */
export function ofType<T extends ReplyEvent['type']>(
  events: readonly ReplyEvent[],
  type: T,
): Extract<ReplyEvent, { type: T }>[] {
  return events.filter((e): e is Extract<ReplyEvent, { type: T }> => e.type === type);
}

/** The final answer text of a turn (all answer messages, in order). */
export function answerText(events: readonly ReplyEvent[]): string {
  return ofType(events, 'text.done')
    .map((e) => e.text)
    .join('\n');
}
