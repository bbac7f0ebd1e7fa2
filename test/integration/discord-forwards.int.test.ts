import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScriptContext, text } from '../../src/model-server/index.js';
import { brokenRules, DiscordBot } from '../fakes/discord/bot-harness.js';
import { forwardMessage } from '../fakes/discord/forwards.js';
import { checkDiscordConformance, loadDiscordSpec } from '../fakes/discord/spec.js';
import { specCheck } from '../support/specs.js';

/** What reached the model, turn by turn: the text and the names of the files. */
const seen: { text: string; files: string[] }[] = [];

let bot: DiscordBot;
beforeAll(async () => {
  bot = await DiscordBot.start();
  bot.openai.setScript((context: ScriptContext) => {
    seen.push({ text: context.text, files: context.files.map((f) => f.name) });
    return [text(`Read: ${context.text.split('\n').at(-1)} (${context.files.length} file)`)];
  });
});
afterAll(async () => {
  expect(brokenRules(bot)).toEqual([]);
  await bot.close();
});

/** carol posts the quarterly figures in #random, where nobody asks the bot anything. */
function original(content: string) {
  const { random, carol } = bot.fake.directory;
  return bot.fake.sendMessage({
    channelId: random,
    authorId: carol,
    content,
    attachments: [{ filename: 'q3.csv', bytes: 'region,sales\nnorth,10\n', contentType: 'text/csv' }],
  });
}

describe('Discord: forwarded messages', () => {
  it('answers a forward into its DM with the forwarded text and file (message_snapshots), not "Ask me something"', async () => {
    const figures = original('Q3 sales are in the sheet');
    const dm = bot.fake.world.dmWith(bot.fake.directory.bob);
    const forward = forwardMessage(bot.fake, {
      messageId: figures.id,
      to: dm.id,
      authorId: bot.fake.directory.bob,
    });
    expect(forward.content).toBe('');

    const answer = await bot.answer(dm.id, (c) => c.some((m) => m.startsWith('Read:')));
    expect(answer).toEqual(['Read: Q3 sales are in the sheet (1 file)']);
    expect(seen.at(-1)).toEqual({ text: 'Forwarded message:\nQ3 sales are in the sheet', files: ['q3.csv'] });
    // The forwarded file was fetched from the attachment host, as a file on the message itself would be.
    expect(bot.fake.downloads.some((d) => d.path.endsWith('/q3.csv'))).toBe(true);
  });

  it('answers a forward into a thread it owns without a mention', async () => {
    const question = bot.mention('keep an eye on the numbers');
    const thread = await bot.threadOf(question);
    await bot.answer(thread.id, (c) => c.length === 1);
    const figures = original('North is up 10%');
    forwardMessage(bot.fake, { messageId: figures.id, to: thread.id, authorId: bot.fake.directory.alice });
    const answer = await bot.answer(thread.id, (c) => c.length === 2);
    expect(answer.at(-1)).toBe('Read: North is up 10% (1 file)');
    expect(bot.fake.botMessages(thread.id).some((m) => m.content.includes('Ask me something'))).toBe(false);
  });

  it('shows a forward as Discord’s MessageResponse has it (message_reference type 1, message_snapshots)', async () => {
    const figures = original('for the record');
    const dm = bot.fake.world.dmWith(bot.fake.directory.carol);
    const forward = forwardMessage(bot.fake, {
      messageId: figures.id,
      to: dm.id,
      authorId: bot.fake.directory.carol,
    });
    await bot.answer(dm.id, (c) => c.length === 1);
    const response = await fetch(`${bot.fake.apiUrl}/v10/channels/${dm.id}/messages/${forward.id}`, {
      headers: { authorization: `Bot ${bot.fake.token}` },
    });
    const shown = (await response.json()) as Record<string, unknown>;
    expect(shown).toMatchObject({
      content: '',
      attachments: [],
      message_reference: { type: 1, channel_id: figures.channelId, message_id: figures.id },
      message_snapshots: [{ message: { content: 'for the record', attachments: [{ filename: 'q3.csv' }] } }],
    });
    // Checked against discord-openapi.json, with FORWARD added to MessageReferenceType (see spec.ts).
    specCheck(() => {
      const sent = bot.fake.sent.filter((s) => s.route === '/channels/{channel_id}/messages/{message_id}');
      expect(checkDiscordConformance(loadDiscordSpec(), { sent, calls: [] })).toEqual([]);
      const unpatched = structuredClone(shown);
      (unpatched.message_reference as { type: number }).type = 7;
      const route = '/channels/{channel_id}/messages/{message_id}';
      expect(loadDiscordSpec().validateResponse('GET', route, 200, unpatched)).not.toEqual([]);
    });
  });
});
