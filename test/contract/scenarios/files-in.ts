import { expect } from 'vitest';
import type { AdapterDriver, FileInput, PlatformDriver } from '../drivers/driver.js';
import { answered, numbered, scenario } from './support.js';

/** MAX_ATTACHMENT_MB of the shared bots, in bytes. */
export const ATTACHMENT_LIMIT = 256 * 1024;

const csv = (name: string, bytes: Uint8Array | string, declaredSize?: number): FileInput => ({
  name,
  bytes: typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes,
  mimeType: 'text/csv',
  ...(declaredSize !== undefined && { declaredSize }),
});

/** Files people attach to a question: given to the assistant, or refused with a note and not fetched. */
export function filesInScenarios(platform: PlatformDriver, bot: () => AdapterDriver): void {
  /** Asks with `file`; resolves with the conversation's text once answered. */
  async function askWith(file: FileInput, words: string): Promise<string> {
    const driver = bot();
    driver.model.setScript(numbered);
    const question = await driver.ask(words, { files: [file] });
    return (await answered(driver, question, (s) => s.text.includes('turn 1'), 'the answer')).text;
  }

  scenario(platform, ['attachments'], 'gives a file attached to the question to the assistant', async () => {
    const shown = await askWith(csv('numbers.csv', 'n\n1\n2\n'), 'add these up');
    expect(shown).toBe('turn 1: add these up (files: numbers.csv)');
    expect(bot().downloads('numbers.csv')).toBe(1);
  });

  scenario(
    platform,
    ['attachments'],
    'refuses a file over MAX_ATTACHMENT_MB with a note, without fetching it',
    async () => {
      const shown = await askWith(csv('big.csv', new Uint8Array(ATTACHMENT_LIMIT * 2)), 'summarise this');
      expect(shown).toMatch(
        /^.*Attachment skipped: big\.csv is [\d.]+ MB; the limit is [\d.]+ MB\.\nturn 1: summarise this$/,
      );
      expect(bot().downloads('big.csv')).toBe(0);
    },
  );

  scenario(platform, ['attachments'], 'stops reading a file that turns out larger than it said', async () => {
    const liar = csv('liar.csv', new Uint8Array(ATTACHMENT_LIMIT * 4).fill(65), 100);
    const shown = await askWith(liar, 'and this one');
    expect(shown).toMatch(
      /^.*Attachment skipped: liar\.csv is .*MB; the limit is [\d.]+ MB\.\nturn 1: and this one$/,
    );
  });

  scenario(
    platform,
    ['attachments'],
    'refuses a file type the assistant cannot use, without fetching it',
    async () => {
      const exe = {
        name: 'setup.exe',
        bytes: new Uint8Array([77, 90]),
        mimeType: 'application/x-msdownload',
      };
      const shown = await askWith(exe, 'install this');
      expect(shown).toMatch(
        /^.*Attachment skipped: setup\.exe: this file type is not supported.*\nturn 1: install this$/,
      );
      expect(bot().downloads('setup.exe')).toBe(0);
    },
  );
}
