import { type ConversationKey, platformOf } from '../core/conversation.js';
import type { Logger } from '../core/logger.js';
import type { InboundMessage } from '../core/messages.js';
import type { AnswerJournal, ReplyRenderer } from '../core/renderer.js';
import type { ReplyEvent } from '../core/reply-events.js';
import { AsyncQueue } from './async-queue.js';

/**
 * Sends each answer's reply events to the renderer of the platform its conversation belongs to (the
 * first part of the conversation key). A missing or failing renderer is logged and its events drained,
 * so a run is never left waiting on a reader.
 */
export class ReplyRouter {
  private readonly renderers = new Map<string, ReplyRenderer>();

  constructor(private readonly logger: Logger) {}

  register(platform: string, renderer: ReplyRenderer): void {
    this.renderers.set(platform, renderer);
  }

  /** Shows one answer's events; settles when they are on the platform (or dropped and logged). */
  render(message: InboundMessage, events: AsyncIterable<ReplyEvent>, journal?: AnswerJournal): Promise<void> {
    const renderer = this.renderers.get(platformOf(message.key));
    if (!renderer) {
      this.logger.error({ conversation: message.key }, 'no renderer registered for this platform');
      return drain(events);
    }
    return renderer.render(message.replyTo, events, journal).catch((err: unknown) => {
      this.logger.error({ err, conversation: message.key as ConversationKey }, 'rendering the answer failed');
      return drain(events);
    });
  }

  /** Shows a fixed list of events (a refusal, a full queue) in reply to `message`. */
  renderOnce(message: InboundMessage, events: readonly ReplyEvent[]): Promise<void> {
    const queue = new AsyncQueue<ReplyEvent>();
    for (const event of events) queue.push(event);
    queue.close();
    return this.render(message, queue);
  }
}

/** Consumes what nobody will show, so the producer is never left waiting. */
async function drain(events: AsyncIterable<ReplyEvent>): Promise<void> {
  for await (const _ of events) {
    // dropped: logged by the caller
  }
}
