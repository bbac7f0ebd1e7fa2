import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConversationKey } from '../../core/conversation.js';
import { SECURITY_HEADERS } from './http-kit.js';
import type { WebLog } from './web-log.js';

/** How the stream keeps going. */
export interface StreamTimings {
  /** A comment line this often keeps proxies from closing an idle stream. */
  heartbeatMs: number;
  /** Besides this process's own appends, the log is read this often (0: never): other instances' writes. */
  pollMs: number;
  /** How long a page waits before it reconnects, told to EventSource. */
  retryMs: number;
}

/** Where a page resumes: the `Last-Event-ID` EventSource sends on reconnecting, or `?after=` on a reload. */
export function resumePosition(req: IncomingMessage, query: URLSearchParams): number {
  const header = req.headers['last-event-id'];
  const raw = typeof header === 'string' && header !== '' ? header : (query.get('after') ?? '0');
  return /^\d{1,15}$/.test(raw) ? Number(raw) : 0;
}

/**
 * One conversation's log as Server-Sent Events, from the position after `after`: every event once,
 * in order, with its position as the event id, then live as events are appended. Reads are one at a
 * time, so an append that lands while a batch is being written is sent after it, never twice.
 */
export function streamEvents(
  req: IncomingMessage,
  res: ServerResponse,
  log: WebLog,
  key: ConversationKey,
  after: number,
  timings: StreamTimings,
): Promise<void> {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    // nginx and friends would otherwise hold the stream back in their buffers.
    'x-accel-buffering': 'no',
  });
  res.write(`retry: ${timings.retryMs}\n\n`);
  let last = after;
  let reading = false;
  let again = false;
  let open = true;

  const pump = async (): Promise<void> => {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      do {
        again = false;
        for (
          let batch = await log.read(key, last);
          open && batch.length > 0;
          batch = await log.read(key, last)
        ) {
          for (const { position, event } of batch) {
            res.write(`id: ${position}\ndata: ${JSON.stringify(event)}\n\n`);
            last = position;
          }
        }
      } while (again && open);
    } finally {
      reading = false;
    }
  };

  return new Promise<void>((resolve) => {
    const timers: NodeJS.Timeout[] = [];
    const unwatch = log.watch(key, () => void pump().catch(end));
    function end(): void {
      if (!open) return;
      open = false;
      unwatch();
      for (const timer of timers) clearInterval(timer);
      res.end();
      resolve();
    }
    timers.push(setInterval(() => res.write(': keep-alive\n\n'), timings.heartbeatMs));
    if (timings.pollMs > 0) timers.push(setInterval(() => void pump().catch(end), timings.pollMs));
    req.on('close', end);
    res.on('error', end);
    pump().catch(end);
  });
}
