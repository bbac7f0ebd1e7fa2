import type { Logger } from './core/logger.js';

/** What can reach the process-level handlers. */
export type ProcessFault = 'uncaught_exception' | 'unhandled_rejection';

/** What the guards work with; `target` and `exit` are the process's unless a test injects its own. */
export interface ProcessGuardOptions {
  logger: Logger;
  /** Counts a fault (main: `threadloom_process_faults_total`). */
  count: (fault: ProcessFault) => void;
  target?: NodeJS.EventEmitter;
  exit?: (code: number) => void;
}

/**
 * The last line behind the platform guards (discord/packet-guard.ts, slack/event-guard.ts), which
 * stop a platform event the clients cannot read where it is read. Whatever still gets here is logged
 * with what is known and counted, and then:
 * - an unhandled rejection leaves the process running: the code that made the promise has moved on
 *   and left nothing half-done on the stack, and ending the process would end every running answer
 *   and the other platform's connection for what is, in every case seen, one event's failure;
 * - an uncaught exception ends the process with exit code 1: it unwound a synchronous call half-way,
 *   so any state it was changing may be inconsistent, and Node documents that resuming after it is
 *   unsafe. A supervisor (Docker's restart policy, systemd) starts a clean process, and the store's
 *   run journal lets it finish the answers that were running.
 * Returns a function that removes the guards.
 */
export function installProcessGuards(options: ProcessGuardOptions): () => void {
  const target = options.target ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const onRejection = (reason: unknown) => {
    options.logger.error(
      { fault: 'unhandled_rejection', err: reason },
      'a promise failed and nothing handled it; counted, and the process goes on',
    );
    options.count('unhandled_rejection');
  };
  const onException = (error: unknown, origin: unknown) => {
    options.logger.fatal(
      { fault: 'uncaught_exception', origin, err: error },
      'an exception reached the top of the stack; exiting so that a clean process takes over',
    );
    options.count('uncaught_exception');
    exit(1);
  };
  target.on('unhandledRejection', onRejection);
  target.on('uncaughtException', onException);
  return () => {
    target.off('unhandledRejection', onRejection);
    target.off('uncaughtException', onException);
  };
}
