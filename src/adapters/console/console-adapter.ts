import { conversationKey } from '../../core/conversation.js';
import type { ReplyRenderer } from '../../core/renderer.js';
import type { ReplyEvent } from '../../core/reply-events.js';
import type { AdapterOrchestrator } from '../adapter.js';
import { type Keyboard, Lines } from './lines.js';
import { type ConsoleOutput, renderToConsole } from './render.js';

/** The orchestrator as the console uses it: the adapters' view, plus waiting for the last answer. */
export type ConsoleOrchestrator = AdapterOrchestrator & { idle(): Promise<void> };

export interface ConsoleAdapterOptions extends ConsoleOutput {
  input: NodeJS.ReadableStream;
  /**
   * Set when `input` is typed on the terminal the console writes to: lines are edited in the console,
   * and what is typed while an answer is written shows once it is done.
   */
  keyboard?: Keyboard | undefined;
  session: string;
}

/** The console's one user: they asked, so they decide every approval. */
const CONSOLE_USER = 'console';

/**
 * The terminal adapter and scripting interface: one user message per input line, answered in order
 * (the next line waits for the answer), `/reset` starts a new conversation. A tool call that needs
 * approval asks y/n and the next line answers it (the end of input answers no). Resolves at end of
 * input once the last answer is written.
 */
export class ConsoleAdapter implements ReplyRenderer {
  private readonly answered = new Map<string, () => void>();
  /** Approval prompts shown and not yet settled, oldest first. */
  private readonly prompts: string[] = [];
  private changed: (() => void) | undefined;

  constructor(private readonly options: ConsoleAdapterOptions) {}

  async run(orchestrator: ConsoleOrchestrator): Promise<void> {
    orchestrator.registerRenderer('console', this);
    const key = conversationKey('console', this.options.session);
    const lines = new Lines(this.options.input, this.options.keyboard);
    let count = 0;
    for (;;) {
      const raw = await lines.listen(lines.peek());
      lines.take();
      if (raw === undefined) break;
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
        userId: CONSOLE_USER,
        text,
        files: [],
        replyTo: { line: id },
        receivedAt: Date.now(),
        // No channels to map: the console always gets the default profile.
        where: { platform: 'console', channel: this.options.session, isDirect: false },
      });
      if (outcome === 'started' || outcome === 'queued')
        await this.answerPrompts(orchestrator, lines, answered);
      this.answered.delete(id);
    }
    await orchestrator.idle();
  }

  async render(replyTo: Readonly<Record<string, string>>, events: AsyncIterable<ReplyEvent>): Promise<void> {
    try {
      await renderToConsole(events, this.options, {
        asked: (approvalId) => {
          this.prompts.push(approvalId);
          this.changed?.();
        },
        settled: (approvalId) => {
          const at = this.prompts.indexOf(approvalId);
          if (at >= 0) this.prompts.splice(at, 1);
          this.changed?.();
        },
      });
    } finally {
      const line = replyTo.line;
      if (line) this.answered.get(line)?.();
    }
  }

  /** Until the answer is written, input lines answer the approval prompts it shows. */
  private async answerPrompts(
    orchestrator: ConsoleOrchestrator,
    lines: Lines,
    answered: Promise<void>,
  ): Promise<void> {
    let done = false;
    void answered.then(() => {
      done = true;
      this.changed?.();
    });
    while (!done) {
      const change = new Promise<'changed'>((resolve) => {
        this.changed = () => resolve('changed');
      });
      const prompt = this.prompts[0];
      if (prompt === undefined) {
        await change;
        continue;
      }
      // A prompt that times out while we wait for input leaves the line for what comes next.
      const line = await lines.listen(Promise.race([lines.peek(), change]));
      if (line === 'changed') continue;
      if (line !== undefined) lines.take();
      const word = line?.trim().toLowerCase();
      const approve = word === 'y' || word === 'yes';
      if (line !== undefined && !approve && word !== 'n' && word !== 'no') {
        this.options.out.write('[approval] Please answer y or n.\n');
        continue;
      }
      this.prompts.shift();
      await orchestrator.decide(prompt, { userId: CONSOLE_USER, isApprover: false, approve });
    }
    this.changed = undefined;
  }
}
