import { ApplicationCommandOptionType, InteractionContextType } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { commandDefinitions } from './commands.js';

describe('commandDefinitions', () => {
  it('defines /ask with a required prompt and an optional file, /reset, /cancel and /usage, for servers and DMs', () => {
    const commands = commandDefinitions();
    expect(commands.map((c) => c.name)).toEqual(['ask', 'reset', 'cancel', 'usage']);
    expect(commands[0]?.options).toEqual([
      expect.objectContaining({ name: 'prompt', type: ApplicationCommandOptionType.String, required: true }),
      expect.objectContaining({
        name: 'file',
        type: ApplicationCommandOptionType.Attachment,
        required: false,
      }),
    ]);
    for (const command of commands) {
      expect(command.contexts).toEqual([InteractionContextType.Guild, InteractionContextType.BotDM]);
      expect(command.description.length).toBeLessThanOrEqual(100);
    }
  });
});
