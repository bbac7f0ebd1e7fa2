import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { LimitsConfig, RunConfig } from '../../src/config/types.js';
import { conversationKey } from '../../src/core/conversation.js';
import { silentLogger } from '../../src/core/logger.js';
import type { InboundMessage } from '../../src/core/messages.js';
import type { Metrics } from '../../src/core/metrics.js';
import type { ReplyEvent } from '../../src/core/reply-events.js';
import { Orchestrator } from '../../src/orchestrator/orchestrator.js';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/types.js';
import { BUILT_IN_TOOLS, createToolRegistry } from '../../src/tools/index.js';
import { RecordingRenderer } from './recording-renderer.js';
import type { ScriptedBackend } from './scripted-backend.js';

/** Small limits, so queue and timeout tests stay fast. */
export const TEST_RUN_CONFIG: RunConfig = {
  timeoutMs: 5000,
  toolTimeoutMs: 1000,
  maxQueuedMessages: 3,
  maxAttachmentBytes: 1024,
  streamStallMs: 10_000,
  shutdownGraceMs: 1000,
  conversationLeaseMs: 5000,
};

/** The conversation every orchestrator unit test talks in. */
export const TEST_KEY = conversationKey('test', 'c1');

/**
 * What an orchestrator unit test works with: a real SQLite store in a temp folder, a recording
 * renderer, and a factory for orchestrators over a scripted backend.
 */
export class OrchestratorFixture {
  readonly renderer = new RecordingRenderer();

  private constructor(
    readonly store: Store,
    private readonly dir: string,
  ) {}

  static async open(): Promise<OrchestratorFixture> {
    const dir = mkdtempSync(join(tmpdir(), 'orchestrator-'));
    const store = await createStore({ kind: 'sqlite', path: join(dir, 'store.sqlite') });
    return new OrchestratorFixture(store, dir);
  }

  orchestrator(
    backend: ScriptedBackend,
    options: { run?: RunConfig; limits?: LimitsConfig; metrics?: Metrics } = {},
  ): Orchestrator {
    const o = new Orchestrator({
      backend,
      store: this.store,
      tools: createToolRegistry(BUILT_IN_TOOLS, ['current_time']),
      run: options.run ?? TEST_RUN_CONFIG,
      logger: silentLogger(),
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.metrics ? { metrics: options.metrics } : {}),
    });
    o.registerRenderer('test', this.renderer);
    return o;
  }

  async close(): Promise<void> {
    await this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Registers a fresh fixture for every test of the calling file (opened before, closed after) and
 * returns it through getters, so tests write `t.store`, `t.renderer`, `t.orchestrator(backend)`.
 */
export function useOrchestratorFixture(): {
  readonly store: Store;
  readonly renderer: RecordingRenderer;
  orchestrator(backend: ScriptedBackend, run?: RunConfig, limits?: LimitsConfig): Orchestrator;
} {
  let fixture: OrchestratorFixture | undefined;
  beforeEach(async () => {
    fixture = await OrchestratorFixture.open();
  });
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });
  const current = () => {
    if (!fixture) throw new Error('the orchestrator fixture is only there inside a test');
    return fixture;
  };
  return {
    get store() {
      return current().store;
    },
    get renderer() {
      return current().renderer;
    },
    orchestrator: (backend, run, limits) =>
      current().orchestrator(backend, { ...(run ? { run } : {}), ...(limits ? { limits } : {}) }),
  };
}

/** A user message in the test conversation; `replyTo.to` is its id, so renders can be told apart. */
export function testMessage(
  id: string,
  text = `message ${id}`,
  extra: Partial<InboundMessage> = {},
): InboundMessage {
  return { id, key: TEST_KEY, userId: 'u1', text, files: [], replyTo: { to: id }, receivedAt: 0, ...extra };
}

/** Events of one type, typed. */
export const eventsOfType = <T extends ReplyEvent['type']>(events: ReplyEvent[], type: T) =>
  events.filter((e): e is Extract<ReplyEvent, { type: T }> => e.type === type);
