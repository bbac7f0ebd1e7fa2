import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScriptContext } from '../../src/model-server/index.js';
import { text } from '../../src/model-server/index.js';
import { FAKE_TEAM, type HostedFile, SlackBot, shownText } from '../fakes/slack/index.js';

const CHANNEL = 'C0CHAN0001';
const LIMIT = 1000;
const csv = new TextEncoder().encode('region,sales\nnorth,10\nsouth,12\n');

let bot: SlackBot;
const seen: string[][] = [];
beforeAll(async () => {
  bot = await SlackBot.start({
    maxAttachmentBytes: LIMIT,
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

async function share(
  file: HostedFile,
  words = 'look at this',
): Promise<{ thread: string; notices: string[] }> {
  const before = bot.rendered.length;
  const { thread } = await bot.mention(words, { files: [bot.slack.shareFile(file)] });
  await bot.answers(before + 1);
  const notices = bot.slack
    .botMessages(CHANNEL, thread)
    .map(shownText)
    .filter((t) => !t.startsWith('Read '));
  return { thread, notices };
}

describe('Slack: files users share', () => {
  // Files given to the assistant, and refused ones, are in the adapter contract; these are Slack's file host.
  it('downloads a shared file from Slack’s file host with the bot token', async () => {
    const { thread, notices } = await share({ name: 'sales.csv', bytes: csv, mimetype: 'text/csv' });
    expect(notices).toEqual([]);
    expect(seen.at(-1)).toEqual(['sales.csv']);
    expect(bot.slack.botMessages(CHANNEL, thread).map(shownText)).toEqual(['Read 1 file(s).']);
    const request = bot.slack.files.requests.at(-1);
    expect(request).toMatchObject({ host: 'slack', authorization: `Bearer ${FAKE_TEAM.botToken}` });
  });

  it('never sends the token after a redirect to another host, and says the file was skipped', async () => {
    const { notices } = await share({ name: 'moved.csv', bytes: csv, redirectElsewhere: true });
    expect(bot.slack.files.requests.filter((r) => r.host === 'elsewhere')).toEqual([]);
    expect(notices).toEqual([
      "Attachment skipped: moved.csv was not downloaded: it is not on Slack's file hosts.",
    ]);
    expect(seen.at(-1)).toEqual([]);
  });
});
