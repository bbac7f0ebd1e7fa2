import { expect } from 'vitest';
import { chartFile, codeInterpreter, text } from '../../../src/model-server/index.js';
import type { PlatformDriver } from '../drivers/driver.js';
import { answered, numbered, scenario, withBot } from './support.js';

/** Behaviour under other settings, each on a bot of its own: the per-user rate limit, TOOL_DISPLAY. */
export function settingsScenarios(platform: PlatformDriver): void {
  scenario(
    platform,
    ['limits'],
    'tells a person who sends faster than RATE_LIMIT_PER_USER_PER_MINUTE to wait, without asking the model',
    async () => {
      const limits = { perUserPerMinute: 1, dailyTokensPerUser: 0, dailyTokensPerConversation: 0 };
      await withBot(platform, { limits }, async (driver) => {
        driver.model.setScript(numbered);
        const question = await driver.ask('one');
        await answered(driver, question, (s) => s.text.includes('turn 1'), 'the first answer');
        // The limit counts per minute of the clock: should one end between two messages, the next is over it.
        const refused = (text: string) => /faster than I can answer/.test(text);
        let last = '';
        for (const word of ['two', 'three']) {
          last = word;
          await question.say(word);
          const shown = await answered(
            driver,
            question,
            (s) => refused(s.text) || s.text.includes(word),
            word,
          );
          if (refused(shown.text)) break;
        }
        const shown = question.shown().text;
        expect(shown.split('\n').at(-1)).toMatch(
          /You are sending messages faster than I can answer \(at most 1 a minute\)\. Please wait \d+ s and send it again\.$/,
        );
        expect(shown).not.toContain(`: ${last}`);
        expect(driver.brokenRules()).toEqual([]);
      });
    },
  );

  scenario(
    platform,
    ['toolDisplay'],
    'TOOL_DISPLAY=summary shows the code interpreter’s work as one line, and the chart',
    async () => {
      await withBot(platform, { toolDisplay: 'summary' }, async (driver) => {
        driver.model.setScript(() => [
          codeInterpreter({ code: 'a = 6\nprint(a * 7)', logs: '42', images: [chartFile()] }),
          text('The answer is 42.'),
        ]);
        const question = await driver.ask('compute');
        const shown = await answered(driver, question, (s) => s.text.includes('is 42'), 'the answer');
        expect(shown.text).toBe('🧮 Ran 2 lines of Python\nThe answer is 42.');
        expect(shown.files.map((f) => f.name.endsWith('.png'))).toEqual([true]);
        expect(driver.brokenRules()).toEqual([]);
      });
    },
  );
}
