import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ConfigError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Profiles } from './types.js';

/** How long the file must be quiet before it is read again: editors write in several steps. */
export const DEFAULT_RELOAD_DEBOUNCE_MS = 200 as const satisfies number;

/** What a reload did. */
export type ReloadResult =
  | { ok: true; changed: boolean; profiles: Profiles }
  | { ok: false; error: ConfigError };

export interface ProfileSourceOptions {
  /** The profiles in force at start (already validated). */
  initial: Profiles;
  /** Reads and validates the file again. @throws ConfigError when the new version is invalid. */
  load: () => Profiles;
  /** The profiles file to watch; undefined: nothing to watch, `reload()` only. */
  watchFile?: string | undefined;
  logger: Logger;
  debounceMs?: number;
}

/** The profiles in force, kept current while the bot runs. */
export interface ProfileSource {
  /** The profiles in force now; read it per run, do not keep it. */
  current(): Profiles;
  /**
   * Reads the file again (SIGHUP calls this). An invalid version is rejected with a log line and the
   * profiles in force stay; a valid one replaces them and notifies `onChange` listeners if it differs.
   */
  reload(reason?: string): ReloadResult;
  /** Called with the new and the previous profiles after each change; returns how to stop. */
  onChange(listener: (profiles: Profiles, previous: Profiles) => void): () => void;
  /** Called with the problems of each rejected version; returns how to stop. */
  onReject(listener: (error: ConfigError) => void): () => void;
  /** Stops watching the file. */
  close(): void;
}

/**
 * Holds the validated profiles and swaps them on `reload()` and when the file changes. The file's
 * directory is watched rather than the file, since editors and config managers replace a file by
 * renaming a new one over it, which ends a watch on the old file.
 */
export function createProfileSource(options: ProfileSourceOptions): ProfileSource {
  const { logger, debounceMs = DEFAULT_RELOAD_DEBOUNCE_MS } = options;
  let profiles = options.initial;
  const changeListeners = new Set<(profiles: Profiles, previous: Profiles) => void>();
  const rejectListeners = new Set<(error: ConfigError) => void>();
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;

  function reload(reason = 'reload'): ReloadResult {
    let next: Profiles;
    try {
      next = options.load();
    } catch (error) {
      const rejected =
        error instanceof ConfigError
          ? error
          : new ConfigError([
              { variable: '(file)', problem: error instanceof Error ? error.message : String(error) },
            ]);
      logger.error(
        {
          reason,
          file: options.watchFile,
          problems: rejected.problems.map((p) => `${p.variable}: ${p.problem}`),
        },
        'profiles file rejected; the profiles in force stay',
      );
      for (const listener of rejectListeners) listener(rejected);
      return { ok: false, error: rejected };
    }
    const previous = profiles;
    const changed = !isDeepStrictEqual(previous, next);
    profiles = next;
    if (changed) {
      logger.info(
        { reason, file: options.watchFile, profiles: [...next.profiles.keys()] },
        'profiles reloaded',
      );
      for (const listener of changeListeners) listener(next, previous);
    }
    return { ok: true, changed, profiles: next };
  }

  if (options.watchFile !== undefined) {
    const name = basename(options.watchFile);
    try {
      watcher = watch(dirname(options.watchFile), { persistent: false }, (_event, changed) => {
        if (changed !== null && changed !== name) return;
        clearTimeout(timer);
        timer = setTimeout(() => reload('file changed'), debounceMs);
      });
      watcher.on('error', (err) =>
        logger.warn({ err, file: options.watchFile }, 'cannot watch the profiles file'),
      );
    } catch (err) {
      logger.warn(
        { err, file: options.watchFile },
        'cannot watch the profiles file; send SIGHUP to reload it',
      );
    }
  }

  return {
    current: () => profiles,
    reload,
    onChange(listener) {
      changeListeners.add(listener);
      return () => changeListeners.delete(listener);
    },
    onReject(listener) {
      rejectListeners.add(listener);
      return () => rejectListeners.delete(listener);
    },
    close() {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
