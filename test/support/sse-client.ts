/** One Server-Sent Event as a client reads it. */
export interface ServerSentEvent {
  id: string | undefined;
  data: string;
}

/** A stream being read: `closed` settles when it ends (the server closed it, or `close()`). */
export interface SseConnection {
  status: number;
  close(): void;
  closed: Promise<void>;
}

/**
 * Reads an SSE stream as a browser's EventSource does (the `id:` and `data:` fields of each event,
 * comments and `retry:` ignored), over a real HTTP request; `lastEventId` is sent as Last-Event-ID.
 */
export async function openEventStream(
  url: string,
  options: {
    headers?: Record<string, string>;
    lastEventId?: string;
    onEvent: (event: ServerSentEvent) => void;
  },
): Promise<SseConnection> {
  const controller = new AbortController();
  const headers: Record<string, string> = { accept: 'text/event-stream', ...options.headers };
  if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
  const response = await fetch(url, { headers, signal: controller.signal });
  const close = () => controller.abort();
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    return { status: response.status, close, closed: Promise.resolve() };
  }
  const body = response.body.pipeThrough(new TextDecoderStream());
  const closed = (async () => {
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = parseBlock(block);
          if (event) options.onEvent(event);
        }
      }
    } catch (error) {
      if (!controller.signal.aborted) throw error;
    }
  })().catch(() => undefined);
  return { status: response.status, close, closed };
}

function parseBlock(block: string): ServerSentEvent | undefined {
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('id:')) id = line.slice(3).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  return data.length === 0 ? undefined : { id, data: data.join('\n') };
}
