import { PLATFORM_SECTIONS } from './adapters/registry.js';
import { loadConfig, loadConfigFromProcess, reloadProfilesFromProcess } from './config/load-config.js';
import type { DotEnvOptions } from './config/load-dotenv.js';
import type { Profiles } from './config/profiles/types.js';
import type { AppConfig, Env } from './config/types.js';
import { KNOWN_TOOL_NAMES } from './tools/index.js';

/*
 * The composition root's way to load configuration: config/ sits below tools/ and adapters/, so the
 * names of the built-in function tools and each platform's part of the schema are handed in from here.
 */

/** What config/ is given: the tool names and the registry's platform sections. */
const DEPS = { knownTools: KNOWN_TOOL_NAMES, platforms: PLATFORM_SECTIONS };

/** The configuration from a given environment (tests, the benchmark). */
export function configFromEnv(env: Env): AppConfig {
  return loadConfig(env, DEPS);
}

/** The configuration of this process: `.env` under the environment, then `overrides`. */
export function configFromProcess(options: DotEnvOptions & { overrides?: Env } = {}): AppConfig {
  return loadConfigFromProcess({ ...options, ...DEPS });
}

/** The profiles file read again for a reload (SIGHUP, or the file saved). */
export function profilesFromProcess(config: AppConfig): Profiles {
  return reloadProfilesFromProcess(config, { knownTools: KNOWN_TOOL_NAMES });
}
