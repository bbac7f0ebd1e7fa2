import type { ReplyEvent } from './reply-events.js';

/**
 * What an adapter gives the orchestrator: a way to show one run's reply events at the address the
 * adapter put in the message's `replyTo`. The promise settles when everything is on the platform.
 */
export interface ReplyRenderer {
  render(replyTo: Readonly<Record<string, string>>, events: AsyncIterable<ReplyEvent>): Promise<void>;
}
