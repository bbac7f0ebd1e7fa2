import { DefaultRestOptions, type RESTOptions } from 'discord.js';
import pThrottle from 'p-throttle';

type MakeRequest = RESTOptions['makeRequest'];

/** Requests Discord counts against the bot's global limit in any one second (it allows 50): a margin for the way there. */
export const DISCORD_WIRE_PER_SECOND = 45;

/**
 * discord.js's `makeRequest`, paced as requests leave for Discord: at most `perSecond` in any 1,000 ms
 * (a sliding window, p-throttle's strict mode), in the order they come. The adapter's rate budget
 * decides which call goes first and spreads them, but discord.js then queues each route's calls
 * behind the one in flight and releases them together, so calls granted apart can reach Discord
 * bunched, past its global limit (a 429 pauses every call of the bot). Interaction callbacks and
 * their webhooks are not counted by Discord and are never held.
 */
export function pacedMakeRequest(
  perSecond: number = DISCORD_WIRE_PER_SECOND,
  send: MakeRequest = (url, init) => DefaultRestOptions.makeRequest(url, init),
): MakeRequest {
  const paced = pThrottle({ limit: perSecond, interval: 1000, strict: true })(send);
  return (url, init) => (exemptFromGlobalLimit(url) ? send(url, init) : paced(url, init));
}

function exemptFromGlobalLimit(url: string): boolean {
  const path = new URL(url).pathname;
  return /\/(?:interactions|webhooks)\//.test(path);
}
