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

/**
 * The one logger: structured JSON on standard error, because standard output belongs to the console
 * adapter's answers.
 */
export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino({ level, base: null, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, destination);
}

/** A logger that drops everything, for tests and benchmarks. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
