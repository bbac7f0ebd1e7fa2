import { commonOptions, type Platform } from '../adapter.js';
import { discordSection } from './config.js';
import { createDiscordAdapter, type DiscordAdapterOptions } from './discord-adapter.js';

/** Discord in the platform registry. */
export const discordPlatform: Platform<'discord'> = {
  section: discordSection,
  create: (config, context) =>
    createDiscordAdapter(config, {
      ...commonOptions('discord', context),
      ...(context.overrides?.discord as Partial<DiscordAdapterOptions> | undefined),
    }),
};
