import { readFileSync } from 'node:fs';
import dotenv from 'dotenv';
import { ConfigError } from '../core/errors.js';
import type { Env } from './types.js';

/** Reads a UTF-8 text file: the default reader of `.env` and of the instructions file. */
export const readUtf8 = (path: string): string => readFileSync(path, 'utf8');

/** Where `loadDotEnv` looks, and how it reads. */
export interface DotEnvOptions {
  /** Default: `.env` in the working directory. */
  path?: string;
  readFile?: (path: string) => string;
}

/**
 * Returns a copy of `env` with the variables of a `.env` file added; a missing file is not an error.
 * The real environment wins, except where its value is empty, since empty counts as unset everywhere.
 * Nothing is written to `process.env`.
 * @throws ConfigError when the file exists but cannot be read.
 */
export function loadDotEnv(env: Env, options: DotEnvOptions = {}): Record<string, string | undefined> {
  const path = options.path ?? '.env';
  let source: string;
  try {
    source = (options.readFile ?? readUtf8)(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return { ...env };
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError([{ variable: path, problem: `could not be read (${reason})` }]);
  }
  const merged: Record<string, string | undefined> = { ...env };
  for (const [name, value] of Object.entries(dotenv.parse(source))) {
    if (merged[name] === undefined || merged[name]?.trim() === '') merged[name] = value;
  }
  return merged;
}
