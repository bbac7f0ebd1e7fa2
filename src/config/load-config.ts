import { ConfigError, type ConfigProblem } from '../core/errors.js';
import { KNOWN_TOOL_NAMES } from '../tools/index.js';
import { type DotEnvOptions, loadDotEnv, readUtf8 } from './load-dotenv.js';
import { createEnvSchema } from './schema.js';
import type { AppConfig, Env } from './types.js';

/** What `loadConfig` may be given instead of the real thing, for tests. */
export interface LoadConfigDeps {
  /** Reads `ASSISTANT_INSTRUCTIONS_FILE`; default: the file system, UTF-8. */
  readFile?: (path: string) => string;
  /** Function tool names `ASSISTANT_TOOLS` may name; default: the built-in tools. */
  knownTools?: readonly string[];
}

/**
 * Builds the configuration from environment variables. Pure but for reading the instructions file.
 * @throws ConfigError listing every problem by variable name, never with a secret's value.
 */
export function loadConfig(env: Env, deps: LoadConfigDeps = {}): AppConfig {
  const schema = createEnvSchema({
    knownTools: deps.knownTools ?? KNOWN_TOOL_NAMES,
    readFile: deps.readFile ?? readUtf8,
  });
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map(
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
export function loadConfigFromProcess(options: DotEnvOptions & { overrides?: Env } = {}): AppConfig {
  return loadConfig({ ...loadDotEnv(process.env, options), ...options.overrides });
}
