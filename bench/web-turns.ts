import { PageTranscript, type SseConnection, WebClient } from '../test/support/web-client.js';
import type { TurnDriver, TurnTimes } from './drivers.js';
import { now } from './stats.js';

const TIMEOUT_MS = 60_000;

/**
 * The web chat as a person's page uses it: a new conversation per `c`, followed over SSE; a turn is a
 * message sent, and visible when the first event of the answer's text arrives on the page's stream.
 */
export class WebTurns implements TurnDriver {
  readonly name = 'web';
  private readonly client: WebClient;
  private readonly conversations = new Map<
    number,
    { id: string; transcript: PageTranscript; stream: SseConnection; changed: Set<() => void> }
  >();
  private sent = 0;

  /** `base`: the web chat's URL on the bot's server (`http://127.0.0.1:port/chat`), loopback mode. */
  constructor(base: string) {
    this.client = new WebClient(() => base, {});
  }

  async turn(c: number, text: string): Promise<TurnTimes> {
    const conversation = this.conversations.get(c) ?? (await this.open(c));
    const answers = () => conversation.transcript.shown().filter((m) => m.kind === 'answer').length;
    const before = answers();
    const visible = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('web: no answer text in time')), TIMEOUT_MS);
      const check = () => {
        if (answers() <= before) return;
        clearTimeout(timer);
        conversation.changed.delete(check);
        resolve(now());
      };
      conversation.changed.add(check);
    });
    const sentAt = now();
    await this.client.send(conversation.id, `bench-${++this.sent}`, text);
    return { sentAt, visibleAt: await visible };
  }

  private async open(c: number) {
    const id = await this.client.createConversation();
    const transcript = new PageTranscript();
    const changed = new Set<() => void>();
    const stream = await this.client.follow(id, 0, (event, position) => {
      transcript.apply(event, position);
      for (const listener of [...changed]) listener();
    });
    const conversation = { id, transcript, stream, changed };
    this.conversations.set(c, conversation);
    return conversation;
  }

  close(): void {
    for (const { stream } of this.conversations.values()) stream.close();
  }
}
