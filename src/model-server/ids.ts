import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** An id shaped like the service's: `thread_` + 24 letters and digits; files use `file-`. */
export function newId(prefix: 'asst' | 'thread' | 'msg' | 'run' | 'step' | 'call' | 'file'): string {
  const bytes = randomBytes(24);
  let tail = '';
  for (const byte of bytes) tail += ALPHABET[byte % ALPHABET.length];
  return prefix === 'file' ? `file-${tail}` : `${prefix}_${tail}`;
}

/**
 * A Responses / Conversations / Containers id: the prefix and 48 hex digits, as the service writes
 * them (`resp_68af40...`, `conv_...`, `msg_...`, `fc_...`, `ci_...`, `fs_...`, `cntr_...`, `cfile_...`, `mcpr_...`).
 */
export function newHexId(
  prefix:
    | 'resp'
    | 'conv'
    | 'msg'
    | 'fc'
    | 'fco'
    | 'ci'
    | 'fs'
    | 'cntr'
    | 'cfile'
    | 'mcpr'
    | 'mcpa'
    | 'mcp'
    | 'mcpl'
    | 'ws'
    | 'ig',
): string {
  return `${prefix}_${randomBytes(24).toString('hex')}`;
}

/** Unix seconds, the unit of every `*_at` field. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
