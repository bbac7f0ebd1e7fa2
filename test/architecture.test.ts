import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
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

/**
 * The folders of src/, lowest first: a folder imports only from folders below it (or itself). Files
 * directly in src/ (main.ts, app.ts, console.ts, demo.ts...) are composition roots above them all.
 */
const LAYERS = [
  'core',
  'config',
  'store',
  'backends',
  'tools',
  'render',
  'orchestrator',
  'ops',
  'adapters',
  'model-server',
] as const;

/** The layer a file of src/ belongs to: its top folder's rank, or the root's for files in src/ itself. */
function rankOf(file: string): number {
  const top = relative(src, file).split(sep)[0] ?? '';
  const rank = (LAYERS as readonly string[]).indexOf(top);
  return rank === -1 ? LAYERS.length : rank;
}

/** Imports that run up a layer, or out of src/ into test/ (a plain install ships without tests). */
function layerViolations(files: ReadonlyMap<string, string>): string[] {
  return [...files].flatMap(([file, code]) =>
    importsOf(code)
      .filter((spec) => spec.startsWith('.'))
      .flatMap((spec) => {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(src + sep)) return [`${relative(root, file)} imports ${spec} (outside src/)`];
        return rankOf(target) > rankOf(file)
          ? [`${relative(root, file)} imports ${spec} (a higher layer)`]
          : [];
      }),
  );
}

describe('architecture boundaries', () => {
  it('finds a lower layer importing a higher one, and src/ importing test/', () => {
    const wrong = new Map([
      [join(src, 'store', 'x.ts'), "import type { BackendName } from '../backends/backend.js';"],
      [join(src, 'config', 'y.ts'), "import { KNOWN_TOOL_NAMES } from '../tools/index.js';"],
      [join(src, 'demo.ts'), "const fake = await import('../test/fakes/openai/index.js');"],
      [join(src, 'adapters', 'z.ts'), "import { classifyAttachment } from '../core/attachments.js';"],
    ]);
    expect(layerViolations(wrong)).toEqual([
      'src/store/x.ts imports ../backends/backend.js (a higher layer)',
      'src/config/y.ts imports ../tools/index.js (a higher layer)',
      'src/demo.ts imports ../test/fakes/openai/index.js (outside src/)',
    ]);
  });

  it('keeps every import of src/ pointing down the layers', () => {
    const files = new Map(sourceFiles(src).map((file) => [file, readFileSync(file, 'utf8')]));
    expect(layerViolations(files)).toEqual([]);
  });

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
