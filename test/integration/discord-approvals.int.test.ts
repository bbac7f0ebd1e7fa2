import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { byRound, functionCall, text } from '../../src/model-server/index.js';
import { defineTool } from '../../src/tools/index.js';
import { brokenRules, DiscordBot } from '../fakes/discord/bot-harness.js';
import type { FakeChannel, FakeMessage } from '../fakes/discord/index.js';

/** Orders refunded: a call that ran shows here. */
const refunds: number[] = [];
const refund = defineTool({
  name: 'refund',
  description: 'Refunds an order',
  parameters: z.object({ order: z.number() }),
  requireApproval: true,
  execute: ({ order }) => {
    refunds.push(order);
    return { refunded: order };
  },
});

let bot: DiscordBot;

beforeAll(async () => {
  bot = await DiscordBot.start({
    discord: (directory) => ({ approverRoles: [directory.staffRole] }),
    harness: { tools: [refund], approvalTimeoutMs: 1500 },
  });
  bot.openai.setScript(
    byRound([functionCall('refund', { order: 7 })], ({ toolOutputs }) => [
      text(`Tool said: ${toolOutputs[0]?.output}`),
    ]),
  );
});

afterAll(async () => {
  await bot?.close();
});

/** Alice asks; resolves with the thread and the approval prompt once it shows its buttons. */
async function ask(): Promise<{ thread: FakeChannel; prompt: FakeMessage }> {
  refunds.length = 0;
  const thread = await bot.threadOf(bot.mention('refund order 7'));
  const prompt = await bot.fake.waitFor(
    () => bot.fake.botMessages(thread.id).find((m) => m.components.length > 0),
    { what: 'the approval prompt' },
  );
  return { thread, prompt };
}

/** The custom_id of the prompt's Approve (true) or Deny button. */
function button(prompt: FakeMessage, approve: boolean): string {
  const buttons = prompt.components.flatMap(
    (row) => row.components as { custom_id: string; label: string }[],
  );
  const found = buttons.find((b) => b.label === (approve ? 'Approve' : 'Deny'));
  if (!found) throw new Error('no such button');
  return found.custom_id;
}

/*
 * Approving, denying, strangers' clicks and the timeout are in the adapter contract
 * (test/contract/adapter.contract.int.test.ts); here is how the prompt looks on Discord.
 */
describe('Discord: tool calls that need approval', () => {
  it('asks the asker by mention, with a green Approve and a red Deny button', async () => {
    const { alice } = bot.fake.directory;
    const { thread, prompt } = await ask();
    expect(prompt.content).toContain(`<@${alice}>, the assistant wants to run \`refund\` with:`);
    expect(prompt.components[0]?.components).toEqual([
      expect.objectContaining({ type: 2, label: 'Approve', style: 3 }),
      expect.objectContaining({ type: 2, label: 'Deny', style: 4 }),
    ]);
    bot.fake.clickButton({ messageId: prompt.id, customId: button(prompt, true), userId: alice });
    await bot.answer(thread.id, (contents) => contents.some((c) => c.startsWith('Tool said:')));
    expect(refunds).toEqual([7]);
    expect(prompt.components).toEqual([]);
  });

  it('keeps to the Discord API', () => {
    expect(brokenRules(bot)).toEqual([]);
  });
});
