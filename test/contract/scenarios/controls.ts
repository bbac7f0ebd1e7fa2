import { expect } from 'vitest';
import { z } from 'zod';
import { byRound, functionCall, hang, text } from '../../../src/model-server/index.js';
import { defineTool } from '../../../src/tools/index.js';
import type { AdapterDriver, Conversation, PlatformDriver } from '../drivers/driver.js';
import { answered, numbered, scenario } from './support.js';

/** Orders refunded: a call that ran shows here. */
const refunds: number[] = [];

/** A function tool that waits for a person's approval: what the approval scenarios ask to run. */
export const refund = defineTool({
  name: 'refund',
  description: 'Refunds an order',
  parameters: z.object({ order: z.number() }),
  requireApproval: true,
  execute: ({ order }) => {
    refunds.push(order);
    return { refunded: order };
  },
});

/** The asker asks for a refund; resolves once the approval prompt is open. */
async function askForRefund(driver: AdapterDriver): Promise<Conversation> {
  refunds.length = 0;
  driver.model.setScript(
    byRound([functionCall('refund', { order: 7 })], ({ toolOutputs }) => [
      text(`Tool said: ${toolOutputs[0]?.output}`),
    ]),
  );
  const question = await driver.ask('refund order 7');
  await driver.waitFor(() => question.shown().approvals.some((a) => a.open), 'the approval prompt');
  return question;
}

const toolSaid = (driver: AdapterDriver, question: Conversation) =>
  answered(driver, question, (s) => s.text.includes('Tool said:'), 'the answer after the decision');

/** What people do to an answer: stop it, start over, approve or deny what it wants to run. */
export function controlScenarios(platform: PlatformDriver, bot: () => AdapterDriver): void {
  scenario(platform, ['cancel'], 'stops the answer being written, keeping what was written', async () => {
    const driver = bot();
    driver.model.setScript(() => [text('Let me think about that.'), hang()]);
    const question = await driver.ask('a long job');
    await driver.waitFor(() => question.shown().text.includes('Let me think'), 'the first words');
    await question.cancel();
    const shown = await answered(driver, question, (s) => /Stopped\.$/.test(s.text), 'the stop');
    expect(shown.text).toMatch(/^Let me think about that\.\n.*Stopped\.$/);
  });

  scenario(platform, [], 'starts the conversation over on reset, saying so', async () => {
    const driver = bot();
    driver.model.setScript(numbered);
    const question = await driver.ask('remember this');
    await answered(driver, question, (s) => s.text.includes('turn 1'), 'the first answer');
    expect(await question.reset()).toMatch(/new conversation/i);
    await question.say('what did I say?');
    const shown = await answered(driver, question, (s) => s.text.includes('I say?'), 'the answer');
    expect(shown.text.split('\n').at(-1)).toBe('turn 1: what did I say?');
  });

  scenario(
    platform,
    [],
    'shows a call that needs approval, and runs it once the asker approves',
    async () => {
      const driver = bot();
      const question = await askForRefund(driver);
      const [prompt] = question.shown().approvals;
      expect(prompt?.text).toContain('refund');
      expect(prompt?.text).toMatch(/"order": ?7/);
      expect(refunds).toEqual([]);
      expect(await question.decide(true, 'asker')).toBeUndefined();
      const shown = await toolSaid(driver, question);
      expect(refunds).toEqual([7]);
      expect(shown.text).toContain('Tool said: {"refunded":7}');
      expect(shown.approvals).toEqual([{ text: expect.stringMatching(/approved/i), open: false }]);
    },
  );

  scenario(
    platform,
    ['people'],
    'refuses a stranger’s decision, and takes only one of two made at once',
    async () => {
      const driver = bot();
      const question = await askForRefund(driver);
      expect(question.shown().approvals[0]?.text).toContain(driver.mention('asker'));
      expect(await question.decide(true, 'stranger')).toBe(
        'Only the person who asked, or an approver, can decide this.',
      );
      expect(refunds).toEqual([]);
      expect(question.shown().approvals[0]?.open).toBe(true);
      // Both click while the buttons are there: one decision counts, the other is told it came too late.
      const [asker, approver] = await Promise.all([
        question.decide(true, 'asker'),
        question.decide(false, 'approver'),
      ]);
      const shown = await toolSaid(driver, question);
      const approved = asker === undefined;
      expect([asker, approver].filter((reply) => reply === undefined)).toHaveLength(1);
      expect(approved ? approver : asker).toMatch(/already decided|no longer waiting/);
      expect(refunds).toEqual(approved ? [7] : []);
      const decision = approved
        ? `Approved by ${driver.mention('asker')}`
        : `Denied by ${driver.mention('approver')}`;
      expect(shown.approvals).toEqual([{ text: expect.stringContaining(decision), open: false }]);
    },
  );

  scenario(platform, [], 'does not run a call an approver denies, and tells the model', async () => {
    const driver = bot();
    const question = await askForRefund(driver);
    expect(await question.decide(false, 'approver')).toBeUndefined();
    const shown = await toolSaid(driver, question);
    expect(refunds).toEqual([]);
    expect(shown.text).toContain('Tool said: {"error":"the user denied this call; it was not run"}');
    expect(shown.approvals).toEqual([{ text: expect.stringMatching(/denied/i), open: false }]);
  });

  scenario(platform, [], 'counts no decision within APPROVAL_TIMEOUT_MS as a denial', async () => {
    const driver = bot();
    const question = await askForRefund(driver);
    const shown = await toolSaid(driver, question);
    expect(refunds).toEqual([]);
    expect(shown.text).toContain('Tool said: {"error":"nobody approved this call in time; it was not run"}');
    expect(shown.approvals).toEqual([
      { text: expect.stringMatching(/no (decision|answer) in time/i), open: false },
    ]);
  });
}
