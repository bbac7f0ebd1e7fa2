import type { DecideResult, Decider } from '../core/approval.js';
import type { ConversationKey } from '../core/conversation.js';
import type { Logger } from '../core/logger.js';
import type { InboundMessage } from '../core/messages.js';
import type { ReplyRenderer } from '../core/renderer.js';
import type { Store } from '../store/types.js';

/** What a platform adapter asks of the orchestrator. */
export interface AdapterOrchestrator {
  registerRenderer(platform: string, renderer: ReplyRenderer): void;
  submit(message: InboundMessage): Promise<'started' | 'queued' | 'duplicate' | 'queue_full' | 'refused'>;
  cancel(key: ConversationKey): boolean;
  reset(key: ConversationKey): Promise<void>;
  isBusy(key: ConversationKey): boolean;
  /** A click on Approve or Deny of a tool call waiting for approval (see `approval.requested`). */
  decide(approvalId: string, decider: Decider): Promise<DecideResult>;
}

/** What every adapter is built with. */
export interface AdapterDeps {
  orchestrator: AdapterOrchestrator;
  store: Store;
  logger: Logger;
}

/** A chat platform connection: started by main when its credentials are configured. */
export interface PlatformAdapter {
  readonly platform: string;
  /** Connects and starts taking events; resolves once ready. */
  start(): Promise<void>;
  /** Stops taking new events and disconnects. */
  stop(): Promise<void>;
}
