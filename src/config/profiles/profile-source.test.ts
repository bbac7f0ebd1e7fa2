import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigError } from '../../core/errors.js';
import { createLogger, silentLogger } from '../../core/logger.js';
import { readUtf8 } from '../load-dotenv.js';
import type { AssistantConfig } from '../types.js';
import { loadProfilesFile } from './load-profiles.js';
import { createProfileSource, type ProfileSource } from './profile-source.js';
import type { Profiles } from './types.js';

const assistant = {
  model: 'o3',
  instructions: 'Env.',
  codeInterpreter: false,
  fileSearch: false,
  webSearch: false,
  imageGeneration: false,
  functionTools: [],
  vectorStoreIds: [],
} as unknown as AssistantConfig;

let dir: string;
let file: string;
let source: ProfileSource | undefined;
const load = () => loadProfilesFile(file, { env: {}, assistant, knownTools: [], readFile: readUtf8 });
const supportModel = (profiles: Profiles) => profiles.profiles.get('support')?.model;
const yaml = (model: string) => `profiles:\n  support:\n    model: ${model}\ndefault: support\n`;

/** Resolves on the next event of `subscribe`, or fails after a deadline. */
function next<T>(subscribe: (listener: (value: T) => void) => () => void, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no ${what} within 5 s`));
    }, 5_000);
    const stop = subscribe((value) => {
      clearTimeout(timer);
      stop();
      resolve(value);
    });
  });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'threadloom-profiles-'));
  file = join(dir, 'profiles.yaml');
  writeFileSync(file, yaml('first-model'));
});
afterEach(() => {
  source?.close();
  source = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('ProfileSource', () => {
  it('reloads on reload() (what SIGHUP calls) and tells listeners what changed', () => {
    source = createProfileSource({ initial: load(), load, logger: silentLogger() });
    const seen: string[] = [];
    source.onChange((profiles, previous) =>
      seen.push(`${supportModel(previous)} -> ${supportModel(profiles)}`),
    );
    writeFileSync(file, yaml('second-model'));
    const result = source.reload('SIGHUP');
    expect(result.ok && result.changed).toBe(true);
    expect(supportModel(source.current())).toBe('second-model');
    expect(source.reload('SIGHUP')).toMatchObject({ ok: true, changed: false });
    expect(seen).toEqual(['first-model -> second-model']);
  });

  it('keeps the profiles in force when reload() finds the file broken', () => {
    source = createProfileSource({ initial: load(), load, logger: silentLogger() });
    writeFileSync(file, 'profiles:\n  support:\n    model: 42\n');
    const result = source.reload('SIGHUP');
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.error.problems).toEqual([
      { variable: 'profiles.support.model', problem: expect.stringContaining('expected string') },
    ]);
    expect(supportModel(source.current())).toBe('first-model');
  });

  it('picks up a changed file by itself, rejects a broken version and keeps the last good one', async () => {
    const lines: string[] = [];
    const logger = createLogger(
      'info',
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push((JSON.parse(chunk.toString()) as { msg: string }).msg);
          done();
        },
      }),
    );
    source = createProfileSource({ initial: load(), load, watchFile: file, logger, debounceMs: 50 });
    const s = source;

    const changed = next<Profiles>((listener) => s.onChange(listener), 'change');
    writeFileSync(file, yaml('watched-model'));
    expect(supportModel(await changed)).toBe('watched-model');

    const rejected = next<ConfigError>((listener) => s.onReject(listener), 'rejection');
    writeFileSync(file, 'profiles:\n  support: [broken\n');
    expect((await rejected).problems[0]?.variable).toMatch(/^line \d+ column \d+$/);
    expect(supportModel(s.current())).toBe('watched-model');
    expect(lines).toContain('profiles file rejected; the profiles in force stay');

    // Replaced by rename, as editors and config managers do: the directory watch still sees it.
    const replaced = next<Profiles>((listener) => s.onChange(listener), 'change after rename');
    writeFileSync(join(dir, 'profiles.yaml.tmp'), yaml('renamed-model'));
    renameSync(join(dir, 'profiles.yaml.tmp'), file);
    expect(supportModel(await replaced)).toBe('renamed-model');
  });
});
