import type { InboundMessage } from '../../core/messages.js';
import type { RunRecord } from '../../store/types.js';

/** What an instance has to do in a conversation whose lease it holds. */
export interface Conversation {
  /** Runs a crashed or stopped instance left here: finished before anything else. */
  leftovers: RunRecord[];
  queue: InboundMessage[];
  /** Aborts the active turn; present while a turn runs. */
  controller: AbortController | undefined;
  /** Settles when the conversation has nothing left to do. */
  idle: Promise<void>;
  /** Resets asked for while a turn ran: done between turns, then these resolve. */
  resets: (() => void)[];
}

/** A conversation just taken up: its leftovers and the messages it starts with. */
export function newConversation(work: { queue?: InboundMessage[]; leftovers: RunRecord[] }): Conversation {
  return {
    leftovers: work.leftovers,
    queue: work.queue ?? [],
    controller: undefined,
    idle: Promise.resolve(),
    resets: [],
  };
}
