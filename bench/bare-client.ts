import { createInterface } from 'node:readline';
import OpenAI from 'openai';

/**
 * The floor of the console-as-a-process figure: the least a streaming client can do, as a separate
 * process. One conversation (the Conversations API, as our Responses backend keeps one), each line
 * of standard input one `responses.create({ stream: true })`, each text delta written to standard
 * output as it comes, a newline when the answer is done. No store, no queue, no rendering.
 *
 * `node dist/bench/bare-client.js` with OPENAI_BASE_URL (the fake model service) and OPENAI_API_KEY.
 * Bench code, not the product: it reads its environment itself.
 */
const client = new OpenAI({
  baseURL: process.env.OPENAI_BASE_URL,
  apiKey: process.env.OPENAI_API_KEY ?? 'bench',
  maxRetries: 0,
});
const conversation = await client.conversations.create({});
process.stdout.write('ready\n');

for await (const line of createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
  if (line.trim().length === 0) continue;
  const stream = await client.responses.create({
    model: 'gpt-4.1-mini',
    input: line,
    conversation: conversation.id,
    stream: true,
  });
  for await (const event of stream) {
    if (event.type === 'response.output_text.delta') process.stdout.write(event.delta);
  }
  process.stdout.write('\n');
}
