import OpenAI from 'openai';
import { seedTurn } from './seed-loop.js';

/** The seed as a tiny bot: one assistant, a thread per conversation, answers rendered in memory. */
export class SeedBot {
  private readonly threads = new Map<string, string>();

  private constructor(
    readonly client: OpenAI,
    private readonly assistantId: string,
  ) {}

  static async start(baseURL: string): Promise<SeedBot> {
    const client = new OpenAI({ baseURL, apiKey: 'bench', maxRetries: 0 });
    const assistant = await client.beta.assistants.create({
      model: 'o3',
      name: 'seed-baseline',
      instructions: 'Be helpful.',
      tools: [
        { type: 'code_interpreter' },
        {
          type: 'function',
          function: {
            name: 'current_time',
            description: 'The current time in a time zone.',
            parameters: { type: 'object', properties: { timezone: { type: 'string' } } },
          },
        },
      ],
    });
    return new SeedBot(client, assistant.id);
  }

  async threadOf(conversation: string): Promise<string> {
    let thread = this.threads.get(conversation);
    if (!thread) {
      thread = (await this.client.beta.threads.create()).id;
      this.threads.set(conversation, thread);
    }
    return thread;
  }

  /** Answers one message; `onFirstText` is called when the answer first shows text. */
  async answer(conversation: string, text: string, onFirstText: () => void): Promise<void> {
    const thread = await this.threadOf(conversation);
    let shown = false;
    await seedTurn(this.client, this.assistantId, thread, text, () => {
      if (shown) return;
      shown = true;
      onFirstText();
    });
  }
}
