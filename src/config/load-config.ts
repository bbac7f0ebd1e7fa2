import { resolve } from 'node:path';
import { ConfigError, type ConfigProblem } from '../core/errors.js';
import { type DotEnvOptions, loadDotEnv, readUtf8 } from './load-dotenv.js';
import type { AnyPlatformSection } from './platform-section.js';
import { defaultProfiles, loadProfilesFile } from './profiles/load-profiles.js';
import type { Profiles } from './profiles/types.js';
import { createEnvSchema, createPlatformsSchema } from './schema.js';
import type { AppConfig, Env } from './types.js';

/** What `loadConfig` is given: the tool names, and for tests a file reader. */
export interface LoadConfigDeps {
  /** Reads `ASSISTANT_INSTRUCTIONS_FILE` and the profiles files; default: the file system, UTF-8. */
  readFile?: (path: string) => string;
  /**
   * Function tool names `ASSISTANT_TOOLS` and profiles may name: the built-in tools, handed in by the
   * composition root (config sits below tools/ and does not know them).
   */
  knownTools: readonly string[];
  /** The chat platforms' sections of the schema (the registry's), handed in by the composition root. */
  platforms: readonly AnyPlatformSection[];
}

/**
 * Builds the configuration from environment variables, and the profiles from `PROFILES_FILE` when it
 * is set. Pure but for reading the instructions and profiles files.
 * @throws ConfigError listing every problem by variable name (or by path in the profiles file), never
 *   with a secret's value.
 */
export function loadConfig(env: Env, deps: LoadConfigDeps): AppConfig {
  const { knownTools } = deps;
  const readFile = deps.readFile ?? readUtf8;
  const result = createEnvSchema({ knownTools, readFile }).safeParse(env);
  const platforms = createPlatformsSchema(deps.platforms).safeParse(env);
  if (result.success && platforms.success) {
    const { profilesFile, ...config } = result.data;
    const profiles =
      profilesFile === undefined
        ? defaultProfiles(config.assistant)
        : loadProfilesFile(resolve(profilesFile), { env, assistant: config.assistant, knownTools, readFile });
    return { ...config, ...platforms.data, profiles };
  }
  throw new ConfigError(
    [...(result.error?.issues ?? []), ...(platforms.error?.issues ?? [])].map(
      (issue): ConfigProblem => ({
        variable: String(issue.path[0] ?? 'environment'),
        problem: issue.message,
      }),
    ),
  );
}

/**
 * The configuration of this process: `.env` (if any) under `process.env`, then `overrides` (the demo
 * points the bot at its built-in server this way). The only reader of `process.env`.
 */
export function loadConfigFromProcess(
  options: DotEnvOptions & { overrides?: Env } & LoadConfigDeps,
): AppConfig {
  return loadConfig(
    { ...loadDotEnv(process.env, options), ...options.overrides },
    {
      knownTools: options.knownTools,
      platforms: options.platforms,
      ...(options.readFile ? { readFile: options.readFile } : {}),
    },
  );
}

/**
 * Reads the profiles file of `config` again, for a reload: header values come from the environment
 * as it is now (`.env` read again too, so a rotated secret is picked up); what profiles leave out
 * still comes from the assistant of start-up. Without a profiles file, the start-up profiles.
 * @throws ConfigError when the file is now invalid.
 */
export function reloadProfilesFromProcess(
  config: AppConfig,
  options: DotEnvOptions & { knownTools: readonly string[] },
): Profiles {
  const file = config.profiles.file;
  if (file === undefined) return config.profiles;
  return loadProfilesFile(file, {
    env: loadDotEnv(process.env, options),
    assistant: config.assistant,
    knownTools: options.knownTools,
    readFile: options.readFile ?? readUtf8,
  });
}
