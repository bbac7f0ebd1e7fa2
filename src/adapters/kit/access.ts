import type { Allowlist } from '../../config/types.js';

/** Where a message (or a click, a command) comes from and who sent it, in the allowlists' terms. */
export interface AccessPlace {
  /** The Discord guild or Slack team; a Discord DM has none. */
  space: string | undefined;
  /** The channel, and for a thread also its parent (either may be listed). */
  channels: readonly string[];
  user: string;
  /** Discord roles; none elsewhere. */
  roles: readonly string[];
  /** A direct message with the bot. */
  isDirect: boolean;
}

/**
 * The operator's allowlists, the same on every platform; an empty list allows all. Every list of
 * places that is set (spaces, channels) must pass; for people, being a listed user or having a listed
 * role is enough. A DM in a space (Slack's, whose D... channel can be listed) passes like any channel.
 * A DM outside any space (Discord's) matches no list of places and no role, so there a listed user may
 * always write: the users list is how an operator opens such DMs to chosen people.
 */
export function isAllowed(allow: Allowlist, place: AccessPlace): boolean {
  const where =
    (allow.spaces.length === 0 || (place.space !== undefined && allow.spaces.includes(place.space))) &&
    (allow.channels.length === 0 || place.channels.some((id) => allow.channels.includes(id)));
  const anyone = allow.users.length === 0 && allow.roles.length === 0;
  const listed = allow.users.includes(place.user);
  const who = anyone || listed || place.roles.some((id) => allow.roles.includes(id));
  return (where && who) || (place.isDirect && place.space === undefined && listed);
}
