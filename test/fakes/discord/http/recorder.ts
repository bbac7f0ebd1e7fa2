import type { UploadedFile } from './router.js';

/** One REST call as the fake saw it, answered or refused. */
export interface RecordedCall {
  at: number;
  method: string;
  /** The path under /api/v10, ids included. */
  path: string;
  /** The route template as the OpenAPI document writes it (empty for an unknown path). */
  route: string;
  query: Record<string, string>;
  status: number;
  /** The JSON body, or a multipart request's `payload_json`. */
  json: unknown;
  files: readonly UploadedFile[];
  /** Discord's error code when the answer was an error. */
  errorCode: number | undefined;
}

/** A JSON body the fake sent, with what it answered, for the spec conformance check. */
export interface SentBody {
  method: string;
  route: string;
  status: number;
  body: unknown;
}

/** A file fetched from the fake's attachment host. */
export interface RecordedDownload {
  host: string;
  path: string;
  status: number;
}

/** Everything the fake saw and sent; listeners hear of every change (for waiting without sleeps). */
export class Recorder {
  readonly calls: RecordedCall[] = [];
  readonly sent: SentBody[] = [];
  readonly downloads: RecordedDownload[] = [];
  private readonly listeners = new Set<() => void>();

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    for (const listener of [...this.listeners]) listener();
  }

  clear(): void {
    this.calls.length = 0;
    this.sent.length = 0;
    this.downloads.length = 0;
  }
}

/** How long to wait, and what to call it in the timeout error. */
export interface WaitForOptions {
  timeoutMs?: number;
  /** Named in the timeout error. */
  what?: string;
}

/**
 * Resolves with `probe()`'s first truthy value, re-checked on every change the recorder reports (a
 * REST call, a gateway event, a download). Rejects after `timeoutMs` (default 5000) instead of sleeping.
 */
export function waitForChange<T>(
  recorder: Recorder,
  probe: () => T | undefined | null | false,
  options: WaitForOptions = {},
): Promise<T> {
  const { timeoutMs = 5000, what = 'condition' } = options;
  return new Promise<T>((resolve, reject) => {
    const check = (): void => {
      try {
        const value = probe();
        if (value === undefined || value === null || value === false) return;
        done();
        resolve(value);
      } catch (error) {
        done();
        reject(error);
      }
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`fake Discord: timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const unsubscribe = recorder.onChange(check);
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
    };
    check();
  });
}
