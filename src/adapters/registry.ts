import type { Platform } from './adapter.js';
import { discordPlatform } from './discord/platform.js';
import { slackPlatform } from './slack/platform.js';
import { webPlatform } from './web/platform.js';

/**
 * Every chat platform threadloom speaks, in start-up order. `npm start` starts each one whose
 * configuration is present; the benchmark does the same. To add a platform, add it here (see
 * CONTRIBUTING.md's checklist).
 */
export const PLATFORMS: readonly Platform[] = [
  discordPlatform,
  slackPlatform,
  webPlatform,
] as readonly Platform[];

/** The platforms' parts of the environment schema, for the composition root to hand to config. */
export const PLATFORM_SECTIONS = PLATFORMS.map((platform) => platform.section);
