import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** An id shaped like the service's: `thread_` + 24 letters and digits; files use `file-`. */
export function newId(prefix: 'asst' | 'thread' | 'msg' | 'run' | 'step' | 'call' | 'file'): string {
  const bytes = randomBytes(24);
  let tail = '';
  for (const byte of bytes) tail += ALPHABET[byte % ALPHABET.length];
  return prefix === 'file' ? `file-${tail}` : `${prefix}_${tail}`;
}

/** Unix seconds, the unit of every `*_at` field. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
