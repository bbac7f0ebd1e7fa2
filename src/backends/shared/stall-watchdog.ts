/** How long a stream may stay silent before it is given up (code runs can be quiet for a while). */
export const DEFAULT_STREAM_STALL_MS = 120_000;

/** A stream the SDK returns: iterable, and abortable through its own controller. */
export interface AbortableStream<T> extends AsyncIterable<T> {
  controller: AbortController;
}

/**
 * Passes a stream's events through, and aborts the stream when none arrives for `stallMs`: a
 * connection that stays open but goes silent (a stuck proxy, a half-dead socket) would otherwise hold
 * the answer forever. The abort surfaces as a broken stream, which the backends already recover from
 * (resume or poll).
 */
export async function* watchForStalls<T>(
  stream: AbortableStream<T>,
  stallMs: number,
  onStall: () => void,
): AsyncGenerator<T> {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      onStall();
      stream.controller.abort();
    }, stallMs);
  };
  arm();
  try {
    for await (const event of stream) {
      arm();
      yield event;
    }
  } finally {
    clearTimeout(timer);
  }
}
