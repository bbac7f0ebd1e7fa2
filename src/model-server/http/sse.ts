import type { ServerResponse } from 'node:http';

/** Where a stream is cut, to make the client fall back to polling. */
export interface StreamCut {
  cutAfterEvents: number;
  /**
   * `destroy` (default) drops the connection like a network failure; `end` closes it cleanly without
   * `done`; `error` sends the `error` event (a server_error) and closes; `stall` keeps the connection
   * open and sends nothing more, as a stuck proxy does, until the client gives up.
   */
  how?: 'destroy' | 'end' | 'error' | 'stall';
}

export interface SseWriterOptions {
  cut?: StreamCut | undefined;
  /** The `data` of the `error` event a cut with `how: 'error'` sends; default the Assistants API's. */
  cutError?: (() => unknown) | undefined;
}

/** The Assistants API's stream error (`AssistantStreamEvent` `error`: an `Error` object). */
const ASSISTANTS_STREAM_ERROR = {
  message: 'The server had an error while processing your request.',
  type: 'server_error',
  param: null,
  code: 'server_error',
};

/**
 * Writes server-sent events exactly as OpenAI does: `event: <name>\ndata: <json>\n\n`; Assistants
 * streams end with `event: done\ndata: [DONE]` (`done()`), Responses streams just end (`end()`).
 * Every event is reported to `record` before it is written.
 */
export class SseWriter {
  readonly #res: ServerResponse;
  readonly #record: (event: string, data: unknown) => void;
  readonly #cut: StreamCut | undefined;
  readonly #cutError: () => unknown;
  #count = 0;
  #closed = false;
  #stalled = false;
  #onClose = new Set<() => void>();

  constructor(
    res: ServerResponse,
    record: (event: string, data: unknown) => void,
    options: SseWriterOptions = {},
  ) {
    this.#res = res;
    this.#record = record;
    this.#cut = options.cut;
    this.#cutError = options.cutError ?? (() => ASSISTANTS_STREAM_ERROR);
    res.on('close', () => this.#markClosed());
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends one event; false when the stream is closed (the client went away or the stream was cut). */
  send(event: string, data: unknown): boolean {
    if (this.#closed) return false;
    if (this.#cut && this.#count >= this.#cut.cutAfterEvents) {
      if (this.#cut.how === 'stall') {
        // Nothing reaches the client, but as far as the producer knows it is still listening.
        this.#stalled = true;
        return true;
      }
      this.#cutNow();
      return false;
    }
    this.#count++;
    this.#record(event, data);
    const payload = typeof data === 'string' ? data : JSON.stringify(data);
    this.#res.write(`event: ${event}\ndata: ${payload}\n\n`);
    return true;
  }

  /** Sends the closing `done` event and ends the response. */
  done(): void {
    if (this.send('done', '[DONE]') && !this.#stalled) this.#res.end();
    if (!this.#stalled) this.#markClosed();
  }

  /** Ends the response after the last event, without `done` (the Responses API sends none). */
  end(): void {
    if (this.#stalled) return;
    if (!this.#closed) this.#res.end();
    this.#markClosed();
  }

  onClose(listener: () => void): void {
    if (this.#closed) listener();
    else this.#onClose.add(listener);
  }

  #cutNow(): void {
    if (this.#cut?.how === 'error') {
      const error = this.#cutError();
      this.#record('error', error);
      this.#res.end(`event: error\ndata: ${JSON.stringify(error)}\n\n`);
    } else if (this.#cut?.how === 'end') this.#res.end();
    else this.#res.socket?.destroy();
    this.#markClosed();
  }

  #markClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const listener of this.#onClose) listener();
    this.#onClose.clear();
  }
}
