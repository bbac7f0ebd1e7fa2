import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { byRound, functionCall, text } from '../../src/model-server/index.js';
import { defineTool } from '../../src/tools/index.js';
import { approvalAction, type FakeMessage, SlackBot, shownText } from '../fakes/slack/index.js';

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

const ASKER = 'U0USER0001';
const APPROVER = 'U0BOSS0001';
const STRANGER = 'U0STRANGE1';

let bot: SlackBot;

beforeAll(async () => {
  bot = await SlackBot.start({
    core: { tools: [refund], approvalTimeoutMs: 1500 },
    approverUsers: [APPROVER],
    script: byRound([functionCall('refund', { order: 7 })], ({ toolOutputs }) => [
      text(`Tool said: ${toolOutputs[0]?.output}`),
    ]),
  });
});

afterAll(async () => {
  await bot?.close();
});

type Block = { type: string; elements?: { action_id?: string; value?: string }[]; text?: { text?: string } };
const blocksOf = (message: FakeMessage) => (message.blocks ?? []) as unknown as Block[];
/** The approval buttons of a message (not the working line's Stop). */
const buttonsOf = (message: FakeMessage) =>
  blocksOf(message)
    .flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []))
    .filter((e) => e.action_id?.startsWith('threadloom_approve') || e.action_id === 'threadloom_deny');
const lineOf = (message: FakeMessage) =>
  blocksOf(message)
    .filter((b) => b.type === 'context')
    .flatMap((b) => (b.elements ?? []) as { text?: string }[])
    .map((e) => e.text)
    .join('\n');

/** The asker mentions the bot; resolves once the approval prompt with its buttons is in the thread. */
async function ask() {
  refunds.length = 0;
  const before = bot.rendered.length;
  const { thread, channel } = await bot.mention('refund order 7');
  const prompt = await bot.slack.waitFor(
    () => bot.slack.botMessages(channel, thread).find((m) => lineOf(m).includes('counts as a no')),
    { what: 'the approval prompt' },
  );
  const approvalId = buttonsOf(prompt)[0]?.value ?? '';
  const answered = async () => {
    await bot.answers(before + 1);
    return bot.slack.botMessages(channel, thread).map(shownText);
  };
  return { prompt, approvalId, answered, current: () => bot.slack.state.find(channel, prompt.ts) ?? prompt };
}

/** Sends a click as Slack does (signed) and returns what the response URL was told, if anything. */
async function click(actionId: 'threadloom_approve' | 'threadloom_deny', value: string, user: string) {
  const url = bot.slack.responseUrl();
  const response = await bot.sender.action(approvalAction({ actionId, value, response_url: url, user }));
  expect(response.status).toBe(200);
  return () => bot.slack.waitFor(() => bot.slack.responses.find((r) => url.endsWith(`/${r.id}`)));
}

describe('Slack: tool calls that need approval', () => {
  it('shows the call with Approve and Deny, refuses a stranger, and runs the call once the asker approves', async () => {
    const { prompt, approvalId, answered, current } = await ask();
    expect(blocksOf(prompt)[0]?.text?.text).toContain(
      `<@${ASKER}>, the assistant wants to run \`refund\` with:`,
    );
    expect(blocksOf(prompt)[0]?.text?.text).toContain('"order": 7');
    expect(buttonsOf(prompt).map((b) => b.action_id)).toEqual(['threadloom_approve', 'threadloom_deny']);

    const stranger = await click('threadloom_approve', approvalId, STRANGER);
    expect((await stranger()).body).toMatchObject({
      response_type: 'ephemeral',
      text: 'Only the person who asked, or an approver, can decide this.',
    });
    expect(refunds).toEqual([]);

    // Bolt acknowledges before the click is decided: wait for it, then a second click comes too late.
    const handled = () => bot.handled.filter((h) => h.kind === 'action:threadloom_approve').length;
    const clicks = handled();
    await click('threadloom_approve', approvalId, ASKER);
    await bot.slack.waitFor(() => handled() > clicks, { what: 'the approval click handled' });
    const late = await click('threadloom_deny', approvalId, APPROVER);
    expect(String((await late()).body.text)).toMatch(/already decided|no longer waiting/);
    expect(await answered()).toContain('Tool said: {"refunded":7}');
    expect(refunds).toEqual([7]);
    expect(buttonsOf(current())).toEqual([]);
    expect(lineOf(current())).toBe(`✅ Approved by <@${ASKER}>`);
  });

  it('lets a member of SLACK_APPROVER_USERS deny the call; the model is told', async () => {
    const { approvalId, answered, current } = await ask();
    await click('threadloom_deny', approvalId, APPROVER);
    expect(await answered()).toContain('Tool said: {"error":"the user denied this call; it was not run"}');
    expect(refunds).toEqual([]);
    expect(lineOf(current())).toBe(`❌ Denied by <@${APPROVER}>`);
  });

  it('counts no decision within APPROVAL_TIMEOUT_MS as denied', async () => {
    const { answered, current } = await ask();
    expect(await answered()).toContain(
      'Tool said: {"error":"nobody approved this call in time; it was not run"}',
    );
    expect(refunds).toEqual([]);
    expect(buttonsOf(current())).toEqual([]);
    expect(lineOf(current())).toBe('⌛ No decision in time: not run');
  });
});
