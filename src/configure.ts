import { loadConfig, loadConfigFromProcess, reloadProfilesFromProcess } from './config/load-config.js';
import type { DotEnvOptions } from './config/load-dotenv.js';
import type { Profiles } from './config/profiles/types.js';
import type { AppConfig, Env } from './config/types.js';
import { KNOWN_TOOL_NAMES } from './tools/index.js';

/*
 * The composition root's way to load configuration: config/ sits below tools/, so the names of the
 * built-in function tools that `ASSISTANT_TOOLS` and profiles may use are handed in from here.
 */

/** The configuration from a given environment (tests, the benchmark). */
export function configFromEnv(env: Env): AppConfig {
  return loadConfig(env, { knownTools: KNOWN_TOOL_NAMES });
}

/** The configuration of this process: `.env` under the environment, then `overrides`. */
export function configFromProcess(options: DotEnvOptions & { overrides?: Env } = {}): AppConfig {
  return loadConfigFromProcess({ ...options, knownTools: KNOWN_TOOL_NAMES });
}

/** The profiles file read again for a reload (SIGHUP, or the file saved). */
export function profilesFromProcess(config: AppConfig): Profiles {
  return reloadProfilesFromProcess(config, { knownTools: KNOWN_TOOL_NAMES });
}
