import type { IncomingMessage, ServerResponse } from 'node:http';

/** The header every write from the page carries: a cross-site form cannot send it without CORS. */
export const WRITE_HEADER = 'x-threadloom';

/** A request the web chat refuses, with the status and a line for the page. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/**
 * The page's Content-Security-Policy: scripts and styles only from the web chat itself (and the one
 * inline import map, by its hash), no plugins, no frames, pictures from itself only (so a model's
 * `![](https://tracker)` loads nothing), requests to itself only.
 */
export function contentSecurityPolicy(scriptHash: string): string {
  return [
    "default-src 'none'",
    `script-src 'self' '${scriptHash}'`,
    "style-src 'self'",
    "img-src 'self' blob: data:",
    "connect-src 'self'",
    "font-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers on every response of the web chat. */
export const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
} as const;

/** A JSON answer with the security headers; never cached. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(JSON.stringify(body));
}

/**
 * Refuses a write that a page of another site could have made: it must carry `WRITE_HEADER` (which
 * only a same-origin script can add without a CORS preflight, and the web chat answers none), and
 * where the browser says where it comes from (`Sec-Fetch-Site`, `Origin`), that must be here.
 */
export function checkWrite(req: IncomingMessage): void {
  if (req.headers[WRITE_HEADER] !== '1')
    throw new HttpError(403, `writes need the ${WRITE_HEADER} header (sent by the page)`);
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none')
    throw new HttpError(403, 'cross-site requests are refused');
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== 'null') {
    const host = URL.canParse(origin) ? new URL(origin).host : '';
    const here = [req.headers.host, req.headers['x-forwarded-host']].flatMap((h) =>
      typeof h === 'string' ? h.split(',').map((v) => v.trim()) : [],
    );
    if (!here.includes(host)) throw new HttpError(403, 'cross-origin requests are refused');
  }
}

/** The largest JSON body the web chat reads (a message's text is far below it). */
export const MAX_JSON_BYTES = 256 * 1024;

/** Reads a JSON body (Content-Type application/json), at most `MAX_JSON_BYTES`. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new HttpError(415, 'send JSON (Content-Type: application/json)');
  if (Number(req.headers['content-length'] ?? 0) > MAX_JSON_BYTES)
    throw new HttpError(413, `the body is over ${MAX_JSON_BYTES / 1024} KB`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BYTES) throw new HttpError(413, `the body is over ${MAX_JSON_BYTES / 1024} KB`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'the body is not valid JSON');
  }
}
