import type { AnswerJournal, ReplyRenderer } from '../../src/core/renderer.js';
import type { ReplyEvent } from '../../src/core/reply-events.js';

/** One render call: where it was addressed and every event it received. */
export interface Rendered {
  replyTo: Readonly<Record<string, string>>;
  events: ReplyEvent[];
  finished: boolean;
  /** What the orchestrator said was already posted of this answer (a resumed run). */
  resumedFrom: AnswerJournal['posted'];
}

/**
 * A renderer that records what it is given, and lets tests wait on it without sleeping. Like a
 * platform renderer, it journals each answer text as "posted" (as message `msg-<messageId>`).
 */
export class RecordingRenderer implements ReplyRenderer {
  readonly renders: Rendered[] = [];
  private waiters: (() => boolean)[] = [];

  async render(
    replyTo: Readonly<Record<string, string>>,
    events: AsyncIterable<ReplyEvent>,
    journal?: AnswerJournal,
  ): Promise<void> {
    const rendered: Rendered = { replyTo, events: [], finished: false, resumedFrom: journal?.posted ?? {} };
    this.renders.push(rendered);
    this.notify();
    for await (const event of events) {
      if ((event.type === 'text.delta' || event.type === 'text.done') && journal)
        journal.record(`text:${event.messageId}`, [`msg-${event.messageId}`]);
      rendered.events.push(event);
      this.notify();
    }
    rendered.finished = true;
    this.notify();
  }

  /** Resolves once `predicate` holds, re-checked after every recorded event; fails after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for the renderer')), timeoutMs);
      const check = () => {
        if (!predicate()) return false;
        clearTimeout(timer);
        resolve();
        return true;
      };
      if (!check()) this.waiters.push(check);
    });
  }

  /** All events of all renders, in order. */
  allEvents(): ReplyEvent[] {
    return this.renders.flatMap((r) => r.events);
  }

  private notify(): void {
    this.waiters = this.waiters.filter((waiter) => !waiter());
  }
}
