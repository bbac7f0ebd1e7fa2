import type { RateBudget } from '../kit/rate-budget.js';
import { DISCORD_ERROR_CODES, discordErrorCode } from './discord-errors.js';
import type { DiscordPort } from './rest-port.js';

/**
 * Starts a thread from a message; when one exists already (160004, a redelivered mention), that one,
 * which has the message's id.
 */
export async function openThread(
  port: DiscordPort,
  budget: RateBudget,
  channelId: string,
  messageId: string,
  name: string,
): Promise<string> {
  await budget.acquire('first');
  try {
    return await port.startThread(channelId, messageId, name);
  } catch (error) {
    if (discordErrorCode(error) !== DISCORD_ERROR_CODES.threadAlreadyCreated) throw error;
    return messageId;
  }
}
