import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findRepoRoot, findSpecsDir } from './specs.js';

let scratch: string | undefined;
afterEach(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});

/** A project folder `p` (with a package.json and a nested folder) in a new temp folder. */
function plainClone(): { root: string; nested: string } {
  scratch = mkdtempSync(path.join(tmpdir(), 'threadloom-specs-'));
  const root = path.join(scratch, 'p');
  const nested = path.join(root, 'test', 'fakes');
  mkdirSync(nested, { recursive: true });
  writeFileSync(path.join(root, 'package.json'), '{}');
  return { root, nested };
}

describe('where the specs are', () => {
  it('finds the repository root from this folder', () => {
    const manifest = JSON.parse(readFileSync(path.join(findRepoRoot(), 'package.json'), 'utf8')) as {
      name: string;
    };
    expect(manifest.name).toBe('threadloom');
  });

  it('finds the root of a project from a folder inside it', () => {
    const { root, nested } = plainClone();
    expect(findRepoRoot(nested)).toBe(root);
  });

  it('finds no specs beside a plain clone, and finds them once shared/specs is beside it', () => {
    const { root } = plainClone();
    expect(findSpecsDir(root)).toBeUndefined();
    const specs = path.join(root, '..', 'shared', 'specs');
    mkdirSync(specs, { recursive: true });
    expect(findSpecsDir(root)).toBe(specs);
  });
});
