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
