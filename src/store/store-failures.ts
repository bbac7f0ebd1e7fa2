import { StoreError } from '../core/errors.js';

/**
 * Whether a failed store call may still have taken effect: `no` when it never reached the store (the
 * connection was down, the file was locked), `maybe` when the connection dropped while the call was
 * on its way and its answer was lost.
 */
export type Applied = 'no' | 'maybe';

/**
 * The store could not be reached: a connection that is down or dropped, a database file that is
 * locked or busy. Worth trying again shortly, unlike a StoreError for a closed store or a bad reply.
 * The code stays `store_unavailable`, so the error sink needs to know nothing new.
 */
export class StoreUnavailableError extends StoreError {
  constructor(
    message: string,
    /** Whether the call may have taken effect all the same (see {@link Applied}). */
    readonly applied: Applied,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Tells a library's error apart: the store was unreachable (and was the call applied?), or not. */
export type FailureClassifier = (error: unknown) => Applied | undefined;

/**
 * node-redis, as read in @redis/client 5 (client/index.js, client/socket.js): with the offline queue
 * off, a command made while the client is not ready fails at once with ClientOfflineError (never
 * sent); when a socket closes, every command waiting for a reply or still to be written is rejected
 * with the socket's error, so those may or may not have run; while reconnecting, commands queued
 * meanwhile are rejected with the failed attempt's error (refused, timed out: never sent). A server
 * that is loading its data or failing over answers with an error reply and runs nothing.
 * The error classes are matched by name: they come from @redis/client, a dependency of @keyv/redis.
 */
const REDIS_NOT_SENT_ERRORS = new Set(['ClientOfflineError', 'ConnectionTimeoutError']);
const REDIS_LOST_REPLY_ERRORS = new Set(['SocketClosedUnexpectedlyError', 'SocketTimeoutError']);
/** Node's socket error codes: the connection could not be made (nothing sent) or broke (maybe applied). */
const CONNECT_FAILED_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
const CONNECTION_BROKE_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED']);
/** Error replies of a server that refused to run the command for now (RESP error prefixes). */
const REDIS_NOT_NOW_REPLIES = /^(LOADING|BUSY|TRYAGAIN|MASTERDOWN|READONLY|CLUSTERDOWN|NOREPLICAS)\b/;

export const classifyRedisFailure: FailureClassifier = (error) => {
  if (!(error instanceof Error)) return undefined;
  const name = error.constructor.name;
  if (REDIS_NOT_SENT_ERRORS.has(name)) return 'no';
  if (REDIS_LOST_REPLY_ERRORS.has(name)) return 'maybe';
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined && CONNECT_FAILED_CODES.has(code)) return 'no';
  if (code !== undefined && CONNECTION_BROKE_CODES.has(code)) return 'maybe';
  if (name === 'ErrorReply' || name === 'SimpleError') {
    return REDIS_NOT_NOW_REPLIES.test(error.message) ? 'no' : undefined;
  }
  return undefined;
};

/**
 * SQLite (node-sqlite3 puts the result code on `code`): the file is locked by another connection or
 * process (BUSY, LOCKED) past the busy timeout, or the disk failed or filled up. A statement that fails
 * is rolled back, so a single write was not applied.
 */
const SQLITE_UNAVAILABLE_CODES = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_IOERR', 'SQLITE_FULL']);

export const classifySqliteFailure: FailureClassifier = (error) => {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && SQLITE_UNAVAILABLE_CODES.has(code) ? 'no' : undefined;
};

/** For a call made of several writes: one of them may have gone through before another failed. */
export const partly =
  (classify: FailureClassifier): FailureClassifier =>
  (error) =>
    classify(error) === undefined ? undefined : 'maybe';
