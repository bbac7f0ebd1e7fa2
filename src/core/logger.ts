import { type Logger, pino } from 'pino';
import { prettyFactory } from 'pino-pretty';

export type { Logger } from 'pino';

/** Paths pino blanks in every line, wherever a secret could ride along. */
const REDACT_PATHS = [
  'token',
  'apiKey',
  'authorization',
  '*.token',
  '*.apiKey',
  '*.authorization',
  '*.headers.authorization',
  'headers.authorization',
];

/** What stands in for a secret in the log. */
const CENSOR = '[redacted]';

/**
 * Secret values shorter than this are not scrubbed: a placeholder key for a local server, such as
 * `x`, is no secret, and scrubbing it would blank that letter in every line.
 */
export const MIN_SCRUBBED_SECRET_LENGTH = 8;

/**
 * How lines are written: `json`, one object a line for log collectors; `pretty`, one readable line
 * (`[12:04:05] WARN: message {"field":"value"}`) for a person at a terminal.
 */
export type LogFormat = 'json' | 'pretty';

/** The readable format: the time of day, the level, the message, then the other fields on one line. */
const PRETTY_OPTIONS = {
  translateTime: 'SYS:HH:MM:ss',
  singleLine: true,
  ignore: 'pid,hostname',
} as const;

/** What the logger is built with besides its level and destination. */
export interface LoggerOptions {
  /** `pretty` when the destination is a terminal (`isTTY`), else `json`. */
  format?: LogFormat;
  /**
   * Secret values (tokens, keys) blanked wherever they appear in a line, whatever the path: error
   * messages from services echo them ("Incorrect API key provided: sk-..."), which no path can name.
   */
  secrets?: readonly string[];
}

/** Replaces every occurrence of each secret (longest first, so none is half-blanked) with the censor. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let scrubbed = text;
  for (const secret of secrets) scrubbed = scrubbed.replaceAll(secret, CENSOR);
  return scrubbed;
}

/**
 * The one logger, on standard error because standard output belongs to the console adapter's answers:
 * structured JSON, or readable lines when a person reads it in a terminal. Child loggers share its
 * redaction and scrubbing.
 */
export function createLogger(
  level: string,
  destination: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
  options: LoggerOptions = {},
): Logger {
  const secrets = [...new Set(options.secrets ?? [])]
    .filter((secret) => secret.length >= MIN_SCRUBBED_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  const format = options.format ?? (destination.isTTY ? 'pretty' : 'json');
  // Pretty-printed in this thread, line by line: no worker, nothing left unwritten at exit.
  const pretty = format === 'pretty' ? prettyFactory(PRETTY_OPTIONS) : undefined;
  // Scrubbed last, in the text as written: a pretty line shows an error's stack unescaped.
  const write = (line: string) => {
    const formatted = pretty ? pretty(line) : line;
    return secrets.length > 0 ? scrubSecrets(formatted, secrets) : formatted;
  };
  return pino(
    {
      level,
      base: null,
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      ...((pretty || secrets.length > 0) && { hooks: { streamWrite: write } }),
    },
    destination,
  );
}

/** A logger that drops everything, for tests and benchmarks. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
