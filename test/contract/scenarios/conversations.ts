import { expect } from 'vitest';
import { text } from '../../../src/model-server/index.js';
import type { AdapterDriver, PlatformDriver } from '../drivers/driver.js';
import { answered, numbered, scenario } from './support.js';

/** Who answers where, and how often: a mention, follow-ups, messages sent meanwhile, redeliveries, restarts. */
export function conversationScenarios(platform: PlatformDriver, bot: () => AdapterDriver): void {
  scenario(platform, [], 'answers a mention in its thread, exactly once', async () => {
    const driver = bot();
    driver.model.setScript(numbered);
    const question = await driver.ask('what is the capital of France?');
    const shown = await answered(driver, question, (s) => s.text.includes('France?'), 'the answer');
    expect(shown.text).toBe('turn 1: what is the capital of France?');
  });

  scenario(platform, [], 'answers a follow-up without a mention, in the same conversation', async () => {
    const driver = bot();
    driver.model.setScript(numbered);
    const question = await driver.ask('first question');
    await answered(driver, question, (s) => s.text.includes('turn 1'), 'the first answer');
    await question.say('and a second one');
    const shown = await answered(driver, question, (s) => s.text.includes('turn 2'), 'the second answer');
    expect(shown.text).toBe('turn 1: first question\nturn 2: and a second one');
  });

  scenario(
    platform,
    ['queue'],
    'queues messages sent while it answers, and answers them together next, in order',
    async () => {
      const driver = bot();
      let release = () => {};
      const thinking = new Promise<void>((resolve) => {
        release = resolve;
      });
      const turns: string[][] = [];
      // The first answer waits until the test has sent the others: they surely arrive during it.
      driver.model.setScript(async ({ userMessages, history }) => {
        turns.push([...userMessages]);
        if (history.length === 0) await thinking;
        return [text(`${history.length === 0 ? 'first' : 'next'}: ${userMessages.join(' + ')}`)];
      });
      try {
        const question = await driver.ask('one');
        await question.say('two');
        await question.say('three');
        release();
        const shown = await answered(driver, question, (s) => s.text.includes('next:'), 'both answers');
        expect(shown.text).toBe('first: one\nnext: two + three');
        expect(turns).toEqual([['one'], ['two', 'three']]);
      } finally {
        release();
      }
    },
  );

  scenario(platform, ['redelivery'], 'answers a message the platform delivers twice once', async () => {
    const driver = bot();
    driver.model.setScript(numbered);
    const question = await driver.ask('asked once');
    // Delivered again while the answer is being written, as a retry or a gateway replay would.
    await question.redeliver();
    const shown = await answered(driver, question, (s) => s.text.includes('asked once'), 'the answer');
    expect(shown.text).toBe('turn 1: asked once');
  });

  scenario(platform, [], 'continues the conversation after a restart on the same store', async () => {
    const driver = bot();
    driver.model.setScript(numbered);
    const question = await driver.ask('before the restart');
    await answered(driver, question, (s) => s.text.includes('turn 1'), 'the first answer');
    await driver.restart();
    await question.say('after it');
    const shown = await answered(driver, question, (s) => s.text.includes('turn 2'), 'the answer after it');
    expect(shown.text).toBe('turn 1: before the restart\nturn 2: after it');
  });
}
