import type OpenAI from 'openai';
import type { Run } from 'openai/resources/beta/threads/runs/runs';

/** How often the seed polls: `await asyncio.sleep(1)`. */
export const SEED_POLL_MS = 1000;

/** What the seed shows: the message text as it stands at each poll. */
export type SeedRender = (text: string) => void;

const TERMINAL = new Set(['cancelled', 'failed', 'completed', 'expired', 'incomplete']);

/**
 * A reference implementation of the seed's loop (shared/seed/assistants-api-reference.md,
 * `run_assistant_query`), kept only to compare against: add the message, create a run (not streamed),
 * then every second retrieve the run, list all its steps, fetch the message of every message step and
 * re-render it (images downloaded once), and submit tool outputs when the run requires action.
 * Never used by the bot.
 */
export async function seedTurn(
  client: OpenAI,
  assistantId: string,
  threadId: string,
  text: string,
  render: SeedRender,
): Promise<Run> {
  await client.beta.threads.messages.create(threadId, { role: 'user', content: text });
  let run = await client.beta.threads.runs.create(threadId, { assistant_id: assistantId });
  const images = new Set<string>();
  for (;;) {
    run = await client.beta.threads.runs.retrieve(run.id, { thread_id: threadId });
    const steps = await client.beta.threads.runs.steps.list(run.id, { thread_id: threadId, order: 'asc' });
    for (const step of steps.data) {
      if (step.step_details.type !== 'message_creation') continue;
      const message = await client.beta.threads.messages.retrieve(
        step.step_details.message_creation.message_id,
        { thread_id: threadId },
      );
      let shown = '';
      for (const part of message.content) {
        if (part.type === 'text') shown += part.text.value;
        if (part.type === 'image_file' && !images.has(part.image_file.file_id)) {
          images.add(part.image_file.file_id);
          await (await client.files.content(part.image_file.file_id)).arrayBuffer();
        }
      }
      if (shown.length > 0) render(shown);
    }
    if (run.status === 'requires_action' && run.required_action?.type === 'submit_tool_outputs') {
      const calls = run.required_action.submit_tool_outputs.tool_calls;
      await client.beta.threads.runs.submitToolOutputs(run.id, {
        thread_id: threadId,
        tool_outputs: calls.map((call) => ({ tool_call_id: call.id, output: new Date().toISOString() })),
      });
    }
    if (TERMINAL.has(run.status)) return run;
    await new Promise((resolve) => setTimeout(resolve, SEED_POLL_MS));
  }
}
