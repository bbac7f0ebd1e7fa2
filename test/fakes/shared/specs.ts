import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Where the services' published specifications are: `../shared/specs`, beside the project, in CI as in
 * a developer's checkout. A plain clone has no such folder; there the fakes run without checking their
 * traffic (everything else unchanged) and the spec tests skip, saying so once per run. This module is
 * the only place that knows the location; it loads nothing, so the fakes can ask it at any time.
 */

/** The files of ../shared/specs the fakes are checked against (see its README.md). */
export type SpecFile =
  | 'openai-openapi.yaml'
  | 'discord-openapi.json'
  | 'slack-methods-ref.json'
  | 'slack-web-openapi.json';

/** What a test run says, once, where the specs are absent. */
export const SPECS_SKIPPED = 'spec checks skipped: ../shared/specs not found beside the project';

/** The repository root: the nearest folder above `from` with a package.json (works from dist/ too). */
export function findRepoRoot(from: string = import.meta.dirname): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

/** The specs folder beside the repository at `repoRoot`; undefined where there is none. */
export function findSpecsDir(repoRoot: string = findRepoRoot()): string | undefined {
  const dir = path.resolve(repoRoot, '../shared/specs');
  return existsSync(dir) ? dir : undefined;
}

// Looked up once per process: the folder does not come and go while tests run.
let specsDir: string | undefined | null = null;

function specsDirOfThisProject(): string | undefined {
  if (specsDir === null) specsDir = findSpecsDir();
  return specsDir;
}

/** Whether ../shared/specs is there: then every spec check runs, and a file missing from it is an error. */
export function specsPresent(): boolean {
  return specsDirOfThisProject() !== undefined;
}

/** The path of one spec file. Throws where ../shared/specs is absent: ask `specsPresent()` first. */
export function specPath(file: SpecFile): string {
  const dir = specsDirOfThisProject();
  if (dir === undefined) throw new Error(`${file}: ${SPECS_SKIPPED}; ask specsPresent() first`);
  return path.join(dir, file);
}
