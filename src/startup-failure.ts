import { ConfigError, StoreError, ThreadloomError } from './core/errors.js';

/** API keys and bot tokens that a service may echo back in an error message. */
const SECRET_LIKE = /\b(sk-[\w*-]{6,}|xox[abpr]-[\w-]+|xapp-[\w-]+)/g;

function redact(text: string): string {
  return text.replace(SECRET_LIKE, '[redacted]');
}

/**
 * Says why the bot could not start, in one message without a stack trace or a secret, and sets
 * exit code 1. Configuration and store problems are the operator's to fix, so they are said plainly.
 */
export function reportStartupFailure(error: unknown, hint?: string): void {
  if (error instanceof ConfigError || error instanceof StoreError) {
    process.stderr.write(`threadloom cannot start.\n${error.message}\n${hint ? `\n${hint}\n` : ''}`);
  } else if (error instanceof ThreadloomError) {
    process.stderr.write(`threadloom cannot start: ${redact(error.message)} (${error.code})\n`);
  } else {
    process.stderr.write(
      `threadloom cannot start: ${redact(error instanceof Error ? error.message : String(error))}\n`,
    );
  }
  process.exitCode = 1;
}
