import { type Logger, pino } from 'pino';

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

/** What the logger is built with besides its level and destination. */
export interface LoggerOptions {
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
 * The one logger: structured JSON on standard error, because standard output belongs to the console
 * adapter's answers. Child loggers share its redaction and scrubbing.
 */
export function createLogger(
  level: string,
  destination: NodeJS.WritableStream = process.stderr,
  options: LoggerOptions = {},
): Logger {
  const secrets = [...new Set(options.secrets ?? [])]
    .filter((secret) => secret.length >= MIN_SCRUBBED_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  return pino(
    {
      level,
      base: null,
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      ...(secrets.length > 0 && { hooks: { streamWrite: (line: string) => scrubSecrets(line, secrets) } }),
    },
    destination,
  );
}

/** A logger that drops everything, for tests and benchmarks. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
