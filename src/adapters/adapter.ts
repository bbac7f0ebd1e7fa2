import type { PlatformConfigs, PlatformSection } from '../config/platform-section.js';
import type { LimitsConfig, ToolDisplay } from '../config/types.js';
import type { DecideResult, Decider } from '../core/approval.js';
import type { ConversationKey } from '../core/conversation.js';
import type { Logger } from '../core/logger.js';
import type { InboundMessage } from '../core/messages.js';
import type { Metrics } from '../core/metrics.js';
import type { ReplyRenderer } from '../core/renderer.js';
import type { HttpRoutes } from '../ops/http-server.js';
import type { Store } from '../store/types.js';

/** What a platform adapter asks of the orchestrator. */
export interface AdapterOrchestrator {
  registerRenderer(platform: string, renderer: ReplyRenderer): void;
  submit(
    message: InboundMessage,
  ): Promise<'started' | 'queued' | 'duplicate' | 'queue_full' | 'refused' | 'not_taken'>;
  /** Stops the conversation's run, wherever it goes (another instance's too): true when one was. */
  cancel(key: ConversationKey): Promise<boolean>;
  reset(key: ConversationKey): Promise<void>;
  isBusy(key: ConversationKey): boolean;
  /** A click on Approve or Deny of a tool call waiting for approval (see `approval.requested`). */
  decide(approvalId: string, decider: Decider): Promise<DecideResult>;
}

/**
 * The store repositories adapters use: event marks, followed threads, usage for `/usage`, the web
 * chat's conversations, and whether it answers (events wait for an unreachable store); `kind` tells
 * whether other instances may share it (Redis).
 */
export type AdapterStore = Pick<Store, 'kind' | 'dedupe' | 'follows' | 'usage' | 'ping' | 'web'>;

/** What every adapter is built with. */
export interface AdapterDeps {
  orchestrator: AdapterOrchestrator;
  store: AdapterStore;
  logger: Logger;
  /**
   * How events are held while the store cannot be reached (their dedupe claims need it):
   * STORE_HOLD_MS and MAX_QUEUED_MESSAGES. The defaults when absent.
   */
  storeHold?: { holdMs: number; maxPerConversation: number };
  /** Where rendering reports how soon text was visible, budget waits and strategy changes (/metrics). */
  metrics?: Metrics;
}

/** A chat platform connection: started by main when its credentials are configured. */
export interface PlatformAdapter {
  readonly platform: string;
  /** Connects and starts taking events; resolves once ready. */
  start(): Promise<void>;
  /** Stops taking new events and disconnects. */
  stop(): Promise<void>;
}

/** What the composition root gives every platform it starts. */
export interface PlatformContext {
  deps: AdapterDeps;
  /** TOOL_DISPLAY: how much of the assistant's tool work is shown. */
  toolDisplay: ToolDisplay;
  /** MAX_ATTACHMENT_MB in bytes: larger user files are refused with a note. */
  maxAttachmentBytes: number;
  /** Rate limit and daily budgets, shown by the usage commands. */
  limits: LimitsConfig;
  /** The app's HTTP server on `PORT`: platforms that take HTTP requests add their routes here. */
  http: HttpRoutes;
  /** The platform's client could not read an event of this type, which was dropped (main counts these). */
  onDroppedEvent?: (platform: string, type: string) => void;
  /**
   * Per platform, its adapter's own options to override (tests and the benchmark point them at the
   * fakes: file hosts, looser budgets). Untyped here; each platform reads its own.
   */
  overrides?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/**
 * A chat platform as the registry lists it: its part of the configuration, and how to build its
 * adapter once configured. Adding a platform is one of these, its folder, and its test driver.
 */
export interface Platform<Name extends keyof PlatformConfigs = keyof PlatformConfigs> {
  readonly section: PlatformSection<Name>;
  create(config: NonNullable<PlatformConfigs[Name]>, context: PlatformContext): PlatformAdapter;
}

/**
 * What every platform's adapter is built with from the context, under the platform's name: the
 * core's deps, what is shown and refused, dropped events reported, and the platform's overrides.
 */
export function commonOptions(name: string, context: PlatformContext) {
  return {
    toolDisplay: context.toolDisplay,
    maxAttachmentBytes: context.maxAttachmentBytes,
    limits: context.limits,
    deps: context.deps,
    onDroppedEvent: (type: string) => context.onDroppedEvent?.(name, type),
  };
}
