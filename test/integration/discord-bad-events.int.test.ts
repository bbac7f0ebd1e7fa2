import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DROPPED_INTERACTION_REPLY } from '../../src/adapters/discord/packet-guard.js';
import { text } from '../../src/model-server/index.js';
import { brokenRules, DiscordBot } from '../fakes/discord/bot-harness.js';
import { withoutEntitlements } from '../fakes/discord/quirks.js';

/**
 * A gateway event discord.js cannot read. Before the packet guard, the interaction below threw inside
 * discord.js's packet handling, the rejection went unhandled and the process ended (here: vitest
 * reports the unhandled rejection and the file fails).
 */

const dropped: string[] = [];
let bot: DiscordBot;
beforeAll(async () => {
  bot = await DiscordBot.start({ adapter: { onDroppedEvent: (type) => dropped.push(type) } });
  bot.openai.setScript(({ text: said }) => [text(`You said: ${said}`)]);
});
afterAll(async () => {
  expect(brokenRules(bot)).toEqual([]);
  await bot.close();
});

describe('Discord: an event discord.js cannot read', () => {
  it('drops an interaction without entitlements, logs its type, tells its user, and goes on answering', async () => {
    const { general, alice } = bot.fake.directory;
    bot.fake.gateway.alterNext('INTERACTION_CREATE', withoutEntitlements);
    const broken = bot.fake.slashCommand({
      name: 'ask',
      channelId: general,
      userId: alice,
      options: { prompt: 'hi' },
    });

    // Its user reads a short ephemeral line instead of "The application did not respond".
    await bot.fake.waitFor(() => bot.fake.interaction(broken.id).acknowledged === 'replied', {
      what: 'the dropped interaction answered',
    });
    const reply = bot.fake.world.messages.get(bot.fake.interaction(broken.id).originalMessageId ?? '');
    expect(reply?.content).toBe(DROPPED_INTERACTION_REPLY);
    expect(bot.fake.interaction(broken.id).ephemeral).toBe(true);
    expect(dropped).toEqual(['INTERACTION_CREATE']);
    const [line] = bot.logs.find('dropped a gateway event');
    expect(line).toMatchObject({
      level: 50,
      platform: 'discord',
      event: 'INTERACTION_CREATE',
      name: 'TypeError',
    });
    expect(String(line?.stack)).toContain('BaseInteraction');

    // The client reads the next events as usual: a mention and a well-formed /ask are answered.
    const question = bot.mention('still there?');
    const thread = await bot.threadOf(question);
    expect(await bot.answer(thread.id, (c) => c.length === 1)).toEqual(['You said: still there?']);
    const ask = bot.fake.slashCommand({
      name: 'ask',
      channelId: general,
      userId: alice,
      options: { prompt: 'and now?' },
    });
    await bot.fake.waitFor(() => bot.fake.interaction(ask.id).acknowledged !== undefined, {
      what: '/ask answered',
    });
    await bot.idle();
    expect(dropped).toEqual(['INTERACTION_CREATE']);
  });

  it('does not meet the dropped event again when the gateway connection resumes', async () => {
    const resumes = bot.fake.gatewayStats.resumes;
    bot.fake.dropGateway();
    await bot.fake.waitFor(() => bot.fake.gatewayStats.resumes > resumes, { what: 'a RESUME' });
    const question = bot.mention('after the resume');
    const thread = await bot.threadOf(question);
    expect(await bot.answer(thread.id, (c) => c.length === 1)).toEqual(['You said: after the resume']);
    expect(dropped).toEqual(['INTERACTION_CREATE']);
  });
});
