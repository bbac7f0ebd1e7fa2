import type { World } from './world.js';

/** The people and places every fake starts with. */
export interface FakeDirectory {
  guildId: string;
  general: string;
  random: string;
  memberRole: string;
  staffRole: string;
  /** The bot's managed role: people may mention it instead of the bot. */
  botRole: string;
  alice: string;
  bob: string;
  carol: string;
  otherBot: string;
}

/** One guild with two channels, two roles, three people and another bot. */
export function seed(world: World): FakeDirectory {
  const alice = world.addUser('alice');
  const bob = world.addUser('bob');
  const carol = world.addUser('carol');
  const otherBot = world.addUser('helper-bot', { bot: true });
  const guild = world.addGuild('Threadloom Test', alice.id);
  const memberRole = world.addRole(guild.id, 'member');
  const staffRole = world.addRole(guild.id, 'staff');
  const botRole = world.addRole(guild.id, world.bot.username, world.bot.id);
  world.addMember(guild.id, world.bot.id, [botRole.id]);
  world.addMember(guild.id, alice.id, [memberRole.id]);
  world.addMember(guild.id, bob.id, [memberRole.id, staffRole.id]);
  world.addMember(guild.id, carol.id, []);
  world.addMember(guild.id, otherBot.id, []);
  const general = world.addTextChannel(guild.id, 'general');
  const random = world.addTextChannel(guild.id, 'random');
  return {
    guildId: guild.id,
    general: general.id,
    random: random.id,
    memberRole: memberRole.id,
    staffRole: staffRole.id,
    botRole: botRole.id,
    alice: alice.id,
    bob: bob.id,
    carol: carol.id,
    otherBot: otherBot.id,
  };
}
