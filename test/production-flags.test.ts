import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRODUCTION_NODE_FLAGS } from '../bench/production-flags.js';

const root = join(import.meta.dirname, '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

/** The node arguments before the entry point, as a command line gives them. */
const flagsBefore = (command: readonly string[], entry: string) => command.slice(1, command.indexOf(entry));

describe('the Node flags the bot runs with', () => {
  it('are the same in npm start, the Dockerfile and the benchmark', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    const start = (scripts.start ?? '').split('&&').at(-1)?.trim().split(/\s+/) ?? [];
    expect(flagsBefore(start, 'dist/src/main.js')).toEqual(PRODUCTION_NODE_FLAGS);
    const cmd = read('Dockerfile')
      .split('\n')
      .find((line) => line.startsWith('CMD '));
    const dockerCommand = JSON.parse(cmd?.slice('CMD '.length) ?? '[]') as string[];
    expect(dockerCommand[0]).toBe('node');
    expect(flagsBefore(dockerCommand, 'dist/src/main.js')).toEqual(PRODUCTION_NODE_FLAGS);
  });
});
