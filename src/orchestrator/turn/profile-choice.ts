import type { RunProfile } from '../../backends/backend.js';
import { selectProfile } from '../../config/profiles/select-profile.js';
import type { Profiles } from '../../config/profiles/types.js';
import { platformOf } from '../../core/conversation.js';
import type { InboundMessage, MessagePlace } from '../../core/messages.js';
import { mcpTools } from '../../tools/mcp.js';
import type { FunctionDefinition } from '../../tools/tool.js';

/** What choosing a turn's profile needs: the parts of `TurnDeps` it reads. */
export interface ProfileChoiceDeps {
  /** The profiles in force, read per turn; absent: runs carry no profile (the backend's own configuration). */
  profiles?: () => Profiles;
  /** The function tools there are (the registry), whose definitions a profile's names pick from. */
  tools: { definitions?(): readonly FunctionDefinition[] };
}

/**
 * The profile a turn runs with. A conversation keeps the profile it started with (`stored`, a name)
 * in its current definition; a new conversation, or one whose profile is gone from the file, gets the
 * profile its place selects (`selectProfile`). Undefined when there are no profiles to choose from.
 */
export function chooseProfile(
  deps: ProfileChoiceDeps,
  message: InboundMessage,
  stored: string | undefined,
): RunProfile | undefined {
  if (!deps.profiles) return undefined;
  const profiles = deps.profiles();
  const kept = stored === undefined ? undefined : profiles.profiles.get(stored);
  const { name, profile } =
    kept && stored !== undefined
      ? { name: stored, profile: kept }
      : selectProfile(profiles, message.where ?? placeOf(message));
  const definitions = deps.tools.definitions?.() ?? [];
  return {
    ...profile,
    name,
    // In the profile's order; a name the registry does not offer (refused at load) is left out.
    functions: profile.functionTools.flatMap((tool) => definitions.filter((d) => d.name === tool)),
    mcpTools: mcpTools(profile.mcpServers, profiles.mcpServers),
  };
}

/** A message that does not say where it was written: nowhere mapped, so the default profile. */
function placeOf(message: InboundMessage): MessagePlace {
  return { platform: platformOf(message.key), channel: message.key, isDirect: false };
}
