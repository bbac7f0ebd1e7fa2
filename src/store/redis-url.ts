/**
 * The Redis URL as it may appear in a log or error: the credentials replaced by `***` (the whole
 * user-info part, since some clients read a lone user name as the password) and any query dropped.
 */
export function maskRedisUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // An unparseable URL may still hold a password, so none of it is shown.
    return '<unparseable Redis URL>';
  }
  const credentials = parsed.username !== '' || parsed.password !== '' ? '***@' : '';
  return `${parsed.protocol}//${credentials}${parsed.host}${parsed.pathname}`;
}

/** The database a Redis URL selects (`redis://host:6379/2` -> 2); 0 when it names none. */
export function databaseOf(url: string): number {
  try {
    const path = new URL(url).pathname.replace(/^\//, '');
    return /^\d+$/.test(path) ? Number(path) : 0;
  } catch {
    return 0;
  }
}
