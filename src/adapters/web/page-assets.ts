import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WebFileRecord } from '../../store/types.js';
import { contentSecurityPolicy, SECURITY_HEADERS } from './http-kit.js';

/** One file the page loads. */
interface Asset {
  type: string;
  bytes: Buffer;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.html': 'text/html; charset=utf-8',
};

/**
 * The page's libraries, from the installed packages (they ship with the app; nothing is fetched at
 * run time): the Markdown renderer, the sanitiser, the highlighter and its accessible colour theme.
 */
const VENDOR: Record<string, [pkg: string, file: string]> = {
  'marked.js': ['marked', 'lib/marked.esm.js'],
  'purify.js': ['dompurify', 'dist/purify.es.mjs'],
  'highlight.js': ['@highlightjs/cdn-assets', 'es/highlight.min.js'],
  'highlight.css': ['@highlightjs/cdn-assets', 'styles/a11y-light.min.css'],
};

/** Where the page's own files are: beside this module in src/, or src/'s copy when run from dist/. */
function pageDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    join(here, 'page'),
    join(here, '..', '..', '..', '..', 'src', 'adapters', 'web', 'page'),
  ];
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
  if (found === undefined)
    throw new Error(`the web chat's page is missing (looked in ${candidates.join(', ')})`);
  return found;
}

/** A package's folder, found the way Node finds the package (by its package.json, else its main file). */
function packageDir(pkg: string): string {
  const require = createRequire(import.meta.url);
  try {
    return dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    let dir = dirname(require.resolve(pkg));
    while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
    return dir;
  }
}

/** The page and its files, read once at start-up, with the base path written in. */
export class PageAssets {
  private readonly assets = new Map<string, Asset>();
  private readonly html: Buffer;
  readonly csp: string;

  constructor(basePath: string) {
    const dir = pageDir();
    for (const name of readdirSync(dir)) {
      const type = TYPES[extname(name)];
      if (type !== undefined && name !== 'index.html')
        this.assets.set(name, { type, bytes: readFileSync(join(dir, name)) });
    }
    for (const [name, [pkg, file]] of Object.entries(VENDOR)) {
      const type = TYPES[extname(name)] ?? 'application/octet-stream';
      this.assets.set(`vendor/${name}`, { type, bytes: readFileSync(join(packageDir(pkg), file)) });
    }
    const assets = `${basePath}/assets`;
    const importMap = JSON.stringify({
      imports: {
        marked: `${assets}/vendor/marked.js`,
        dompurify: `${assets}/vendor/purify.js`,
        'highlight.js': `${assets}/vendor/highlight.js`,
      },
    });
    const hash = `sha256-${createHash('sha256').update(importMap).digest('base64')}`;
    this.csp = contentSecurityPolicy(hash);
    this.html = Buffer.from(
      readFileSync(join(dir, 'index.html'), 'utf8')
        .replaceAll('{{base}}', basePath)
        .replace(
          '<script type="importmap">{"imports":{}}</script>',
          `<script type="importmap">${importMap}</script>`,
        ),
    );
  }

  /** The page itself. */
  sendPage(res: ServerResponse): void {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-security-policy': this.csp,
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
    });
    res.end(this.html);
  }

  /** One of its files (`app.js`, `vendor/marked.js`...); false when there is no such file. */
  sendAsset(res: ServerResponse, name: string): boolean {
    const asset = this.assets.get(name);
    if (asset === undefined) return false;
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': asset.type,
      'cache-control': 'no-cache',
      'content-length': String(asset.bytes.length),
    });
    res.end(asset.bytes);
    return true;
  }
}

/** Pictures the page shows inline; every other file is a download. */
const INLINE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/**
 * A conversation's file: a picture inline, anything else as a download, never run as a page of this
 * site (sandboxed, no sniffing), whatever its name or type says.
 */
export function sendFile(res: ServerResponse, file: WebFileRecord): void {
  const type = file.mimeType.split(';')[0]?.trim().toLowerCase() ?? '';
  const inline = INLINE.has(type);
  const name = encodeURIComponent(file.name);
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-security-policy': "default-src 'none'; sandbox",
    'content-type': inline ? type : 'application/octet-stream',
    'content-disposition': `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${name}`,
    'content-length': String(file.bytes.byteLength),
    'cache-control': 'private, max-age=3600',
  });
  res.end(file.bytes);
}
