import { MessageFlags } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { byRound, functionCall, text } from '../../src/model-server/index.js';
import { defineTool } from '../../src/tools/index.js';
import { brokenRules, DiscordBot } from '../fakes/discord/bot-harness.js';
import type { FakeChannel, FakeInteraction, FakeMessage } from '../fakes/discord/index.js';

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

/** The ephemeral reply to a click that did not count. */
async function privateReply(interaction: FakeInteraction): Promise<FakeMessage> {
  const message = await bot.fake.waitFor(() =>
    interaction.originalMessageId === undefined ? undefined : bot.fake.message(interaction.originalMessageId),
  );
  expect(message.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
  return message;
}

const finalAnswer = (thread: FakeChannel) =>
  bot.answer(thread.id, (contents) => contents.some((c) => c.startsWith('Tool said:')));

describe('Discord: tool calls that need approval', () => {
  it('shows the call with Approve and Deny, refuses a stranger’s click, and runs the call once the asker approves', async () => {
    const { alice, bob, carol } = bot.fake.directory;
    const { thread, prompt } = await ask();
    expect(prompt.content).toContain(`<@${alice}>, the assistant wants to run \`refund\` with:`);
    expect(prompt.content).toContain('"order": 7');
    expect(prompt.components[0]?.components).toEqual([
      expect.objectContaining({ type: 2, label: 'Approve', style: 3 }),
      expect.objectContaining({ type: 2, label: 'Deny', style: 4 }),
    ]);

    const stranger = bot.fake.clickButton({
      messageId: prompt.id,
      customId: button(prompt, true),
      userId: carol,
    });
    expect((await privateReply(stranger)).content).toBe(
      'Only the person who asked, or an approver, can decide this.',
    );
    expect(refunds).toEqual([]);

    // Alice approves; Bob (an approver) clicks Deny once her click is answered, before he sees the
    // buttons go (his client still shows them).
    const deny = button(prompt, false);
    const click = bot.fake.clickButton({
      messageId: prompt.id,
      customId: button(prompt, true),
      userId: alice,
    });
    await bot.fake.waitFor(() => click.acknowledged !== undefined);
    const second = bot.fake.clickButton({ messageId: prompt.id, customId: deny, userId: bob });
    const contents = await finalAnswer(thread);
    expect(click.acknowledged).toBe('updated');
    // The decision is recorded once.
    expect((await privateReply(second)).content).toMatch(/already decided|no longer waiting/);
    expect(refunds).toEqual([7]);
    expect(contents).toContain('Tool said: {"refunded":7}');
    expect(prompt.content).toMatch(new RegExp(`✅ Approved by <@${alice}>$`));
    expect(prompt.components).toEqual([]);
  });

  it('lets a member of APPROVER_ROLES deny the call; the model is told', async () => {
    const { bob } = bot.fake.directory;
    const { thread, prompt } = await ask();
    bot.fake.clickButton({ messageId: prompt.id, customId: button(prompt, false), userId: bob });
    const contents = await finalAnswer(thread);
    expect(refunds).toEqual([]);
    expect(contents).toContain('Tool said: {"error":"the user denied this call; it was not run"}');
    expect(prompt.content).toMatch(new RegExp(`❌ Denied by <@${bob}>$`));
    expect(prompt.components).toEqual([]);
  });

  it('counts no decision within APPROVAL_TIMEOUT_MS as denied', async () => {
    const { thread, prompt } = await ask();
    const contents = await finalAnswer(thread);
    expect(refunds).toEqual([]);
    expect(contents).toContain('Tool said: {"error":"nobody approved this call in time; it was not run"}');
    expect(prompt.content).toMatch(/⌛ No decision in time: not run$/);
    expect(prompt.components).toEqual([]);
  });

  it('keeps to the Discord API', () => {
    expect(brokenRules(bot)).toEqual([]);
  });
});
