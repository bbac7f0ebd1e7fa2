import type { ProfileLocation, Profiles, SelectedProfile } from './types.js';

/**
 * The profile for a message: a direct message gets `direct_messages`; otherwise the channel's own
 * mapping, else its parent channel's (a thread inherits its channel's profile), else the default.
 * Pure: pass the profiles in force (`ProfileSource.current()`).
 */
export function selectProfile(profiles: Profiles, where: ProfileLocation): SelectedProfile {
  const name = where.isDirect
    ? profiles.directMessages
    : (mapped(profiles, where) ?? profiles.defaultProfile);
  const profile = profiles.profiles.get(name);
  // Loading checks that every mapped name and the default name a profile.
  if (profile === undefined) throw new Error(`profile "${name}" is not defined`);
  return { name, profile };
}

function mapped(profiles: Profiles, where: ProfileLocation): string | undefined {
  if (where.space === undefined) return undefined;
  const key = (channel: string) => `${where.platform}:${where.space}/${channel}`;
  return (
    profiles.channels.get(key(where.channel)) ??
    (where.parentChannel === undefined ? undefined : profiles.channels.get(key(where.parentChannel)))
  );
}
