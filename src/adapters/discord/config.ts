import { commaList, flag, httpUrl, MAX_TIMER_MS, optionalText, positiveInt } from '../../config/fields.js';
import type { ParsedFields, PlatformSection } from '../../config/platform-section.js';
import type { Allowlist } from '../../config/types.js';
import { shardCount, shardIds, shardProblems } from './shard-fields.js';

/** Discord's configuration, from the `DISCORD_*` variables and `APPROVER_ROLES`. */
export interface DiscordConfig {
  token: string;
  apiUrl: string | undefined;
  guildId: string | undefined;
  allow: Allowlist;
  /** The privileged Message Content intent: needed to read follow-ups that do not mention the bot. */
  messageContent: boolean;
  /** A streaming answer message is edited at most this often. */
  editIntervalMs: number;
  /** Role ids whose members may approve or deny any tool call (besides the user who asked). */
  approverRoles: readonly string[];
  /** The gateway shards this process runs, of how many in all; undefined: every shard (one process). */
  shards: DiscordShards | undefined;
}

/**
 * Discord sharding split across processes: Discord sends a guild's events to shard
 * `(guild_id >> 22) % count` (DMs to shard 0), so each conversation lives on one shard.
 */
export interface DiscordShards {
  /** The shard ids this process connects, each below `count`. */
  ids: readonly number[];
  /** Shards across all processes. */
  count: number;
}

declare module '../../config/platform-section.js' {
  interface PlatformConfigs {
    /** Set when `DISCORD_TOKEN` is. */
    discord: DiscordConfig | undefined;
  }
}

/** Discord: about 5 edits per 5 s per channel is what people observe. */
export const DEFAULT_DISCORD_EDIT_INTERVAL_MS = 1000;

const FIELDS = {
  DISCORD_TOKEN: optionalText(),
  DISCORD_API_URL: httpUrl('https://discord.com/api'),
  DISCORD_GUILD_ID: optionalText(),
  DISCORD_ALLOWED_GUILDS: commaList(),
  DISCORD_ALLOWED_CHANNELS: commaList(),
  DISCORD_ALLOWED_ROLES: commaList(),
  DISCORD_ALLOWED_USERS: commaList(),
  DISCORD_MESSAGE_CONTENT: flag(false),
  DISCORD_EDIT_INTERVAL_MS: positiveInt(DEFAULT_DISCORD_EDIT_INTERVAL_MS, MAX_TIMER_MS),
  DISCORD_SHARD_IDS: shardIds(),
  DISCORD_SHARD_COUNT: shardCount(),
  APPROVER_ROLES: commaList(),
};

type Fields = ParsedFields<typeof FIELDS>;

/** Discord's part of the environment schema. */
export const discordSection: PlatformSection<'discord'> = {
  name: 'discord',
  fields: FIELDS,
  check: (raw) => {
    const env = raw as Fields;
    return shardProblems(env.DISCORD_SHARD_IDS, env.DISCORD_SHARD_COUNT);
  },
  build: (raw) => {
    const env = raw as Fields;
    if (!env.DISCORD_TOKEN) return undefined;
    return {
      token: env.DISCORD_TOKEN,
      apiUrl: env.DISCORD_API_URL,
      guildId: env.DISCORD_GUILD_ID,
      allow: {
        spaces: env.DISCORD_ALLOWED_GUILDS,
        channels: env.DISCORD_ALLOWED_CHANNELS,
        roles: env.DISCORD_ALLOWED_ROLES,
        users: env.DISCORD_ALLOWED_USERS,
      },
      messageContent: env.DISCORD_MESSAGE_CONTENT,
      editIntervalMs: env.DISCORD_EDIT_INTERVAL_MS,
      shards:
        env.DISCORD_SHARD_IDS && env.DISCORD_SHARD_COUNT
          ? { ids: env.DISCORD_SHARD_IDS, count: env.DISCORD_SHARD_COUNT }
          : undefined,
      approverRoles: env.APPROVER_ROLES,
    };
  },
  secrets: (config) => [config.token],
};
