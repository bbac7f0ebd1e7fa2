import type { StoreConfig } from './types.js';

/** What `STORE_URL` turned into: a store, or the hint part of a problem. */
export type StoreUrlResult = { ok: true; store: StoreConfig } | { ok: false; problem: string };

const SQLITE_PREFIX = 'sqlite://';
const EXPECTED =
  'expected sqlite://<path> (sqlite://./data/db.sqlite, sqlite:///var/lib/db.sqlite) or redis://host:port';

/**
 * Parses a store URL. `sqlite://` is followed by a plain path rather than parsed as a URL, so that
 * both `sqlite://./data/x.sqlite` (relative) and `sqlite:///var/x.sqlite` (absolute) mean what they say.
 */
export function parseStoreUrl(value: string): StoreUrlResult {
  if (value.toLowerCase().startsWith(SQLITE_PREFIX)) {
    const path = value.slice(SQLITE_PREFIX.length);
    return path === ''
      ? { ok: false, problem: `has no file path; ${EXPECTED}` }
      : { ok: true, store: { kind: 'sqlite', path } };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, problem: `is not a URL; ${EXPECTED}` };
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    return {
      ok: false,
      problem: `has the unsupported scheme "${url.protocol}" in ${maskUrl(value)}; ${EXPECTED}`,
    };
  }
  if (url.hostname === '') {
    return { ok: false, problem: `has no host in ${maskUrl(value)}; ${EXPECTED}` };
  }
  return { ok: true, store: { kind: 'redis', url: value } };
}

/**
 * A URL fit for an error message or a log line: the password (or a user name standing alone, which is
 * how tokens ride in URLs) and the query are replaced by `***`. A value without a host is not shown at
 * all: `user:secret@host` parses as a URL with scheme `user:`, and there is no telling where a secret sits.
 */
export function maskUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return '<not shown>';
  }
  if (url.host === '') return '<not shown>';
  if (url.password !== '') url.password = '***';
  else if (url.username !== '') url.username = '***';
  if (url.search !== '') url.search = '***';
  return url.href;
}
