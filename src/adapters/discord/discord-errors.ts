import { DiscordAPIError } from 'discord.js';
import { PlatformError } from '../../core/errors.js';

/** Discord's JSON error codes that the adapter handles, by the name Discord gives them. */
export const DISCORD_ERROR_CODES = {
  unknownChannel: 10_003,
  unknownMessage: 10_008,
  unknownInteraction: 10_062,
  tooManyOldEdits: 30_046,
  alreadyAcknowledged: 40_060,
  missingAccess: 50_001,
  missingPermissions: 50_013,
  threadArchived: 50_083,
  threadAlreadyCreated: 160_004,
} as const satisfies Record<string, number>;

/** Discord's error code of a failed REST call, if it was one. */
export function discordErrorCode(error: unknown): number | undefined {
  return error instanceof DiscordAPIError && typeof error.code === 'number' ? error.code : undefined;
}

/** The message can no longer be edited: deleted (10008) or an old message edited too often (30046). */
export function isMessageGone(error: unknown): boolean {
  const code = discordErrorCode(error);
  return code === DISCORD_ERROR_CODES.unknownMessage || code === DISCORD_ERROR_CODES.tooManyOldEdits;
}

/** Nothing more can be posted in that channel: permissions, access, a deleted channel or an archived thread. */
export function isChannelClosed(error: unknown): boolean {
  const code = discordErrorCode(error);
  return (
    code === DISCORD_ERROR_CODES.missingPermissions ||
    code === DISCORD_ERROR_CODES.missingAccess ||
    code === DISCORD_ERROR_CODES.unknownChannel ||
    code === DISCORD_ERROR_CODES.threadArchived
  );
}

/**
 * Log fields for a failed call. Deliberately not the error itself: a DiscordAPIError carries the
 * request URL, and interaction webhook URLs contain the interaction's token.
 */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof DiscordAPIError) {
    return {
      name: error.name,
      code: error.code,
      status: error.status,
      method: error.method,
      reason: error.message,
    };
  }
  if (error instanceof Error) return { name: error.name, reason: error.message };
  return { reason: String(error) };
}

/** Why `client.login` failed, in words an operator can act on; the variable to look at is named. */
export function connectError(error: unknown): PlatformError {
  const reason = error instanceof Error ? error.message : String(error);
  const status = error instanceof DiscordAPIError ? error.status : undefined;
  const options = { cause: error, ...(status !== undefined && { status }) };
  if (/disallowed intents/i.test(reason)) {
    return new PlatformError(
      'discord',
      'Discord refused the Message Content intent: turn it on in the Developer Portal (Bot > Privileged Gateway Intents) or unset DISCORD_MESSAGE_CONTENT',
      options,
    );
  }
  if (status === 401 || /token/i.test(reason)) {
    return new PlatformError('discord', 'Discord refused the bot token: check DISCORD_TOKEN', options);
  }
  return new PlatformError(
    'discord',
    `could not connect to Discord (DISCORD_API_URL, network): ${reason}`,
    options,
  );
}
