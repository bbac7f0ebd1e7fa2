import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScriptContext } from '../../src/model-server/index.js';
import { text } from '../../src/model-server/index.js';
import { FAKE_TEAM, SlackBot, shownText } from '../fakes/slack/index.js';

/** Slack Connect: files from another organisation arrive as stubs that only files.info completes. */

const CHANNEL = 'C0CHAN0001';
const pdf = new Uint8Array([37, 80, 68, 70, 45, 49, 46, 55]);

let bot: SlackBot;
const seen: string[][] = [];
beforeAll(async () => {
  bot = await SlackBot.start({
    script: (context: ScriptContext) => {
      seen.push(context.files.map((f) => f.name));
      return [text(`Read ${context.files.length} file(s).`)];
    },
  });
});
afterAll(async () => {
  expect(bot.slack.violations).toEqual([]);
  await bot.close();
});

async function ask(file: Record<string, unknown>): Promise<{ shown: string[] }> {
  const before = bot.rendered.length;
  const { thread } = await bot.mention('what does the partner deck say?', { files: [file] });
  await bot.answers(before + 1);
  return { shown: bot.slack.botMessages(CHANNEL, thread).map(shownText) };
}

describe('Slack Connect: files shared from another organisation', () => {
  it('completes the stub through files.info, downloads the file with the bot token and gives it to the assistant', async () => {
    const stub = bot.slack.shareConnectFile({ name: 'deck.pdf', bytes: pdf, mimetype: 'application/pdf' });
    expect(stub).toMatchObject({ mode: 'file_access', file_access: 'check_file_info', user: '' });
    const { shown } = await ask(stub);
    expect(shown).toEqual(['Read 1 file(s).']);
    expect(seen.at(-1)).toEqual(['deck.pdf']);
    expect(bot.slack.callsOf('files.info').map((c) => c.args)).toEqual([{ file: stub.id }]);
    expect(bot.slack.files.requests.at(-1)).toMatchObject({
      host: 'slack',
      authorization: `Bearer ${FAKE_TEAM.botToken}`,
    });
  });

  it('says so when the other organisation withholds the file (access_denied), and answers the question without it', async () => {
    const stub = bot.slack.shareConnectFile({ name: 'secret.pdf', bytes: pdf }, { denied: true });
    const downloads = bot.slack.files.requests.length;
    const { shown } = await ask(stub);
    expect(shown).toEqual([
      'Attachment skipped: a file shared from another organisation could not be read: Slack did not let me see it (access_denied).',
      'Read 0 file(s).',
    ]);
    expect(bot.slack.files.requests.length).toBe(downloads);
    expect(seen.at(-1)).toEqual([]);
  });

  it('says only that when the withheld file was all the message had (no "Ask me something" after it)', async () => {
    const stub = bot.slack.shareConnectFile({ name: 'only.pdf', bytes: pdf }, { denied: true });
    const { ts, thread } = await bot.mention('', { files: [stub] });
    // Slack sends the mention twice (app_mention and message): one is taken, the other is a duplicate.
    const outcomes = await bot.slack.waitFor(
      () => {
        const both = bot.handled.filter((h) => h.ts === ts);
        return both.length === 2 ? both.map((h) => h.outcome).sort() : undefined;
      },
      { what: 'both deliveries handled' },
    );
    expect(outcomes).toEqual(['duplicate', 'nothing_to_answer']);
    expect(bot.slack.botMessages(CHANNEL, thread).map(shownText)).toEqual([
      'Attachment skipped: a file shared from another organisation could not be read: Slack did not let me see it (access_denied).',
    ]);
  });

  it('keeps the usual checks on the completed file: a type the assistant cannot use is not downloaded', async () => {
    const stub = bot.slack.shareConnectFile({ name: 'setup.exe', bytes: new Uint8Array([77, 90]) });
    const downloads = bot.slack.files.requests.length;
    const { shown } = await ask(stub);
    expect(shown[0]).toContain('setup.exe: this file type is not supported');
    expect(bot.slack.files.requests.length).toBe(downloads);
  });
});
