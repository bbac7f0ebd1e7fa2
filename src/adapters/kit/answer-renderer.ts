import type { ToolDisplay } from '../../config/types.js';
import type { ConversationKey } from '../../core/conversation.js';
import type { Metrics } from '../../core/metrics.js';
import { type AnswerJournal, NO_JOURNAL, type ReplyRenderer } from '../../core/renderer.js';
import type { ReplyEvent } from '../../core/reply-events.js';
import { AnswerView } from './answer-view.js';
import type { ChatSurface } from './chat-surface.js';
import { textWatch } from './observe.js';

/**
 * The one renderer every platform uses: reply events become the surface's posts, edits and uploads
 * (see AnswerView). A platform gives it a ChatSurface and registers it with the orchestrator.
 */
export class KitRenderer implements ReplyRenderer {
  constructor(
    private readonly surface: ChatSurface,
    private readonly toolDisplay: ToolDisplay,
    /** Where answer texts report how they were shown and how soon (none: not measured). */
    private readonly metrics?: Metrics,
  ) {}

  async render(
    replyTo: Readonly<Record<string, string>>,
    events: AsyncIterable<ReplyEvent>,
    journal: AnswerJournal = NO_JOURNAL,
  ): Promise<void> {
    const key = (replyTo.key ?? '') as ConversationKey;
    const place = this.surface.place(replyTo, key);
    if (!place) {
      this.surface.logger.error({ replyTo }, `a ${this.surface.platform} answer without a place to post in`);
      for await (const _event of events); // drained, so the run is not held up by nobody reading
      return;
    }
    const { platform } = this.surface;
    const view = new AnswerView(this.surface, place, journal, this.toolDisplay, this.surface.logger, (log) =>
      textWatch(this.metrics, platform, log),
    );
    await view.resume();
    try {
      for await (const event of events) await view.show(event);
    } finally {
      await view.end();
    }
  }
}
