/** What the fake saw and sent: tests assert on this, and the conformance test validates `sent`. */

export type MultipartField = string | { filename: string; type: string; size: number; bytes: Uint8Array };

export interface RecordedRequest {
  /** Order of arrival, from 0. */
  index: number;
  /** When it arrived: ms since the epoch, sub-millisecond (`performance.timeOrigin + performance.now()`). */
  at: number;
  /** The `x-request-id` the fake answered with. */
  requestId: string;
  method: string;
  /** Path without the `/v1` prefix, e.g. `/threads/thread_abc/runs`. */
  path: string;
  query: Readonly<Record<string, string | string[]>>;
  headers: Readonly<Record<string, string>>;
  /** The parsed JSON body, when there was one. */
  json?: unknown;
  /** The fields of a multipart body. */
  multipart?: Readonly<Record<string, MultipartField>>;
  /** The operation the request matched (the spec's operationId), when it matched one. */
  operation?: string;
  /** The spec schema the request body should follow (e.g. `CreateRunRequest`). */
  requestSchema?: string;
}

export interface SentRecord {
  /** Index of the request this answers. */
  request: number;
  /** When it was sent: ms since the epoch, sub-millisecond (the benchmarks time the model with it). */
  at: number;
  /** `body`: a whole JSON response; `event`: one SSE event; `bytes`: file content. */
  kind: 'body' | 'event' | 'bytes';
  status: number;
  /**
   * The OpenAPI schema (components/schemas) the payload must match, e.g. `RunObject`,
   * `AssistantStreamEvent` (payload `{ event, data }`), `ErrorResponse`; absent for bytes.
   */
  schema?: string;
  payload: unknown;
}

/** Lists that only grow while the server runs; `clear()` is for tests that reuse one server. */
export class Recorder {
  readonly requests: RecordedRequest[] = [];
  readonly sent: SentRecord[] = [];
  #listeners = new Set<() => void>();

  addRequest(request: RecordedRequest): void {
    this.requests.push(request);
    this.changed();
  }

  addSent(record: Omit<SentRecord, 'at'>): void {
    this.sent.push({ ...record, at: performance.timeOrigin + performance.now() });
    this.changed();
  }

  /** Wakes whoever waits on recorded state (see `FakeOpenAI.waitFor`). */
  changed(): void {
    for (const listener of this.#listeners) listener();
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  clear(): void {
    this.requests.length = 0;
    this.sent.length = 0;
  }
}
