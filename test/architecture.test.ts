import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const src = join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every module specifier a file imports or re-exports, static or dynamic. */
function importsOf(code: string): string[] {
  const specifiers = [
    ...code.matchAll(/\b(?:import|export)\s[^'"]*?\bfrom\s*['"]([^'"]+)['"]/g),
    ...code.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g),
    ...code.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
  ];
  return specifiers.map((m) => m[1] as string);
}

const PLATFORM_SDKS = /^(discord\.js|@discordjs\/|@slack\/)/;
const MODEL_SDK = /^openai(\/|$)/;

function violations(folder: string, forbidden: RegExp): string[] {
  return sourceFiles(join(src, folder)).flatMap((file) =>
    importsOf(readFileSync(file, 'utf8'))
      .filter((spec) => forbidden.test(spec))
      .map((spec) => `${relative(root, file)} imports ${spec}`),
  );
}

describe('architecture boundaries', () => {
  it('finds imports of every form, so the checks below can fail', () => {
    const code = [
      "import { Client } from 'discord.js';",
      "import type { App } from '@slack/bolt';",
      "export { x } from 'openai/resources';",
      "const m = await import('openai');",
      "import 'discord.js';",
    ].join('\n');
    expect(importsOf(code)).toEqual([
      'discord.js',
      '@slack/bolt',
      'openai/resources',
      'openai',
      'discord.js',
    ]);
  });

  it('keeps platform SDKs out of the orchestrator, backends, core, store, tools and render', () => {
    for (const folder of ['orchestrator', 'backends', 'core', 'store', 'tools', 'render']) {
      expect(violations(folder, PLATFORM_SDKS), folder).toEqual([]);
    }
  });

  it('keeps the OpenAI SDK out of the adapters and the orchestrator', () => {
    expect(violations('adapters', MODEL_SDK)).toEqual([]);
    expect(violations('orchestrator', MODEL_SDK)).toEqual([]);
  });

  it('lets only config/ read the environment', () => {
    const readers = sourceFiles(src)
      .filter((file) => !relative(src, file).startsWith('config'))
      .filter((file) => /process\.env\b/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect(readers).toEqual([]);
  });
});
