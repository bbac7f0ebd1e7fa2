import { badRequest, FakeApiError } from '../http/errors.js';
import type { ScriptContext } from '../script.js';
import type {
  FunctionCallItem,
  McpApprovalRequestItem,
  ResponseStatus,
  StoredItem,
  StreamEvent,
  WireResponse,
} from './wire.js';

/** Receives every stream event of a response, in order; `undefined` once the response is over. */
export type ResponseListener = (event: StreamEvent | undefined) => void;

/** The turn as the script sees it, fixed by the response that started it. */
export type TurnBase = Omit<ScriptContext, 'round' | 'toolOutputs' | 'instructions' | 'tools'>;

/** A response and everything the fake keeps about it beyond the wire object. */
export interface ResponseRecord {
  response: WireResponse;
  /** Every event emitted (numbered from 0), whether or not a client was streaming. */
  events: StreamEvent[];
  listeners: Set<ResponseListener>;
  /** Aborted on cancel, on a streaming client leaving a foreground response, or on shutdown. */
  abort: AbortController;
  stopReason?: 'cancelled' | 'disconnected' | 'shutdown';
  store: boolean;
  /** `include` of the create request: what its events and body show. */
  include: readonly string[];
  /** The request's input items, as stored (with ids). */
  inputItems: StoredItem[];
  conversationId?: string;
  previousResponseId?: string;
  containerId?: string;
  turn: TurnBase;
  round: number;
  /** The function calls a completed response ended with: the next response must answer them. */
  pendingCalls: FunctionCallItem[];
  /** The MCP approval requests a completed response ended with: the next response must answer them. */
  pendingApprovals: McpApprovalRequestItem[];
  /** Resolves when the response has reached its final status. */
  finished: Promise<void>;
  markFinished(): void;
}

export interface ConversationObject {
  id: string;
  object: 'conversation';
  created_at: number;
  metadata: Record<string, string>;
}

export interface ConversationRecord {
  conversation: ConversationObject;
  /** Oldest first. */
  items: StoredItem[];
  /** The response in progress, which locks the conversation. */
  activeResponseId?: string | undefined;
  lastResponseId?: string;
  containerId?: string;
}

/** A record for a new response: nothing emitted, nothing pending, not finished. */
export function newRecord(
  fields: Omit<
    ResponseRecord,
    'events' | 'listeners' | 'abort' | 'pendingCalls' | 'pendingApprovals' | 'finished' | 'markFinished'
  >,
): ResponseRecord {
  let markFinished = () => {};
  const finished = new Promise<void>((resolve) => {
    markFinished = resolve;
  });
  return {
    ...fields,
    events: [],
    listeners: new Set(),
    abort: new AbortController(),
    pendingCalls: [],
    pendingApprovals: [],
    finished,
    markFinished: () => markFinished(),
  };
}

const TERMINAL: ReadonlySet<ResponseStatus> = new Set(['completed', 'incomplete', 'failed', 'cancelled']);

export function isTerminal(status: ResponseStatus): boolean {
  return TERMINAL.has(status);
}

/** In-memory Responses and Conversations state, with lookups that throw the service's errors. */
export class ResponsesState {
  readonly responses = new Map<string, ResponseRecord>();
  readonly conversations = new Map<string, ConversationRecord>();

  /** A stored response; one created with `store: false` cannot be retrieved. */
  response(id: string): ResponseRecord {
    const record = this.responses.get(id);
    if (!record?.store) throw new FakeApiError(404, `Response with id '${id}' not found.`);
    return record;
  }

  conversation(id: string): ConversationRecord {
    const record = this.conversations.get(id);
    if (!record) throw new FakeApiError(404, `Conversation with id '${id}' not found.`);
    return record;
  }

  item(conversationId: string, itemId: string): StoredItem {
    const item = this.conversation(conversationId).items.find((i) => i.id === itemId);
    if (!item) throw new FakeApiError(404, `Item with id '${itemId}' not found.`);
    return item;
  }

  /** The one-request-at-a-time rule of conversations. */
  checkUnlocked(conversation: ConversationRecord): void {
    const active = conversation.activeResponseId && this.responses.get(conversation.activeResponseId);
    if (active && !isTerminal(active.response.status)) {
      throw badRequest(
        'Another process is currently operating on this conversation. Please try again later.',
        null,
        'conversation_locked',
      );
    }
  }

  /** The response a `previous_response_id` names: stored and over. */
  previous(id: string): ResponseRecord {
    const record = this.responses.get(id);
    if (!record?.store) {
      throw badRequest(`Previous response with id '${id}' not found.`, 'previous_response_id');
    }
    if (!isTerminal(record.response.status)) {
      throw badRequest(
        `Previous response with id '${id}' is still ${record.response.status}.`,
        'previous_response_id',
      );
    }
    return record;
  }
}
