export {
  defaultProfiles,
  loadProfilesFile,
  type ProfilesDeps,
  parseProfiles,
  profileFromAssistant,
} from './load-profiles.js';
export {
  createProfileSource,
  DEFAULT_RELOAD_DEBOUNCE_MS,
  type ProfileSource,
  type ProfileSourceOptions,
  type ReloadResult,
} from './profile-source.js';
export { selectProfile } from './select-profile.js';
export {
  DEFAULT_PROFILE_NAME,
  type Profile,
  type ProfileLocation,
  type Profiles,
  REASONING_EFFORTS,
  type ReasoningEffort,
  type SelectedProfile,
} from './types.js';
