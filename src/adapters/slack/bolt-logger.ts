import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../../core/logger.js';

/**
 * Bolt's and the Web API client's logging, into the bot's one pino logger (JSON on standard error,
 * secrets redacted). Bolt logs positional arguments; they are joined into the message.
 */
export function boltLogger(logger: Logger): BoltLogger {
  const text = (parts: unknown[]) =>
    parts
      .map((part) => (typeof part === 'string' ? part : part instanceof Error ? part.message : String(part)))
      .join(' ');
  return {
    debug: (...parts: unknown[]) => logger.debug(text(parts)),
    info: (...parts: unknown[]) => logger.info(text(parts)),
    warn: (...parts: unknown[]) => logger.warn(text(parts)),
    error: (...parts: unknown[]) => logger.error(text(parts)),
    // The level is the bot's LOG_LEVEL; Bolt may not lower it.
    setLevel: () => undefined,
    getLevel: () => {
      const level = logger.level;
      if (level === 'debug' || level === 'trace') return LogLevel.DEBUG;
      if (level === 'info') return LogLevel.INFO;
      return level === 'warn' ? LogLevel.WARN : LogLevel.ERROR;
    },
    setName: () => undefined,
  };
}
