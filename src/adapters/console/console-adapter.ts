import { createInterface } from 'node:readline';
import { conversationKey } from '../../core/conversation.js';
import type { ReplyRenderer } from '../../core/renderer.js';
import type { ReplyEvent } from '../../core/reply-events.js';
import type { AdapterOrchestrator } from '../adapter.js';
import { type ConsoleOutput, renderToConsole } from './render.js';

/** The orchestrator as the console uses it: the adapters' view, plus waiting for the last answer. */
export type ConsoleOrchestrator = AdapterOrchestrator & { idle(): Promise<void> };

export interface ConsoleAdapterOptions extends ConsoleOutput {
  input: NodeJS.ReadableStream;
  session: string;
}

/**
 * The terminal adapter and scripting interface: one user message per input line, answered in order
 * (the next line waits for the answer), `/reset` starts a new conversation. Resolves at end of input
 * once the last answer is written.
 */
export class ConsoleAdapter implements ReplyRenderer {
  private readonly answered = new Map<string, () => void>();

  constructor(private readonly options: ConsoleAdapterOptions) {}

  async run(orchestrator: ConsoleOrchestrator): Promise<void> {
    orchestrator.registerRenderer('console', this);
    const key = conversationKey('console', this.options.session);
    const lines = createInterface({ input: this.options.input, crlfDelay: Number.POSITIVE_INFINITY });
    let count = 0;
    for await (const raw of lines) {
      const text = raw.trim();
      if (text.length === 0) continue;
      if (text === '/reset') {
        await orchestrator.reset(key);
        this.options.out.write('[notice] Started a new conversation.\n');
        continue;
      }
      const id = `${Date.now()}-${++count}`;
      const answered = new Promise<void>((resolve) => this.answered.set(id, resolve));
      const outcome = await orchestrator.submit({
        id,
        key,
        userId: 'console',
        text,
        files: [],
        replyTo: { line: id },
        receivedAt: Date.now(),
        // No channels to map: the console always gets the default profile.
        where: { platform: 'console', channel: this.options.session, isDirect: false },
      });
      if (outcome === 'started' || outcome === 'queued') await answered;
      this.answered.delete(id);
    }
    await orchestrator.idle();
  }

  async render(replyTo: Readonly<Record<string, string>>, events: AsyncIterable<ReplyEvent>): Promise<void> {
    try {
      await renderToConsole(events, this.options);
    } finally {
      const line = replyTo.line;
      if (line) this.answered.get(line)?.();
    }
  }
}
