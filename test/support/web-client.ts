import { openEventStream, type SseConnection } from './sse-client.js';

/** A message of a web conversation as the page holds it (the log's `WebMessage`). */
export type PageMessage =
  | { kind: 'answer'; text: string }
  | { kind: 'tool'; text: string; files: FileRef[] }
  | { kind: 'notice'; text: string; tone: string }
  | {
      kind: 'approval';
      approvalId: string;
      tool: string;
      arguments: string;
      expiresAt: number;
      outcome?: string;
    }
  | { kind: 'file'; file: FileRef };

export interface FileRef {
  id: string;
  name: string;
  mimeType: string;
  size: number;
}

/** One event of the log as the page receives it. */
export type PageEvent =
  | { type: 'user'; id: string; text: string; files: string[] }
  | { type: 'post' | 'edit'; id: string; message: PageMessage }
  | { type: 'append'; id: string; delta: string }
  | { type: 'remove'; id: string }
  | { type: 'running'; running: boolean }
  | { type: 'status'; text: string };

/** A file a person attaches. */
export interface UploadInput {
  name: string;
  bytes: Uint8Array;
  mimeType: string;
  /** The size the page claims (default: the real one); a different one is sent without a length. */
  declaredSize?: number;
}

/**
 * What a page does over HTTP, for tests and the benchmark: the web chat's API with a person's
 * credentials (`headers`), and a conversation followed over SSE the way EventSource follows it.
 */
export class WebClient {
  constructor(
    /** The web chat's base URL (`http://127.0.0.1:port/chat`), read at each call (it changes on a restart). */
    private readonly base: () => string,
    private readonly headers: Record<string, string>,
  ) {}

  async call(
    method: string,
    path: string,
    json?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${this.base()}/api/${path}`, {
      method,
      headers: {
        ...this.headers,
        ...(method === 'GET' ? {} : { 'x-threadloom': '1' }),
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
    return {
      status: response.status,
      body: (await response.json().catch(() => ({}))) as Record<string, unknown>,
    };
  }

  /** Like `call`, failing on anything but a 2xx. */
  async ok(method: string, path: string, json?: unknown): Promise<Record<string, unknown>> {
    const { status, body } = await this.call(method, path, json);
    if (status < 200 || status > 299)
      throw new Error(`${method} ${path}: HTTP ${status} ${JSON.stringify(body)}`);
    return body;
  }

  async createConversation(): Promise<string> {
    return String((await this.ok('POST', 'conversations')).id);
  }

  /** Announces a file, then sends its bytes unless refused; resolves with its id and whether its bytes went. */
  async upload(conversation: string, file: UploadInput): Promise<{ id: string; sent: boolean }> {
    const path = `conversations/${conversation}/uploads`;
    const size = file.declaredSize ?? file.bytes.byteLength;
    const claim = await this.ok('POST', path, { name: file.name, type: file.mimeType, size });
    const id = String(claim.id);
    if (claim.refused !== undefined) return { id, sent: false };
    const lying = file.declaredSize !== undefined && file.declaredSize !== file.bytes.byteLength;
    const bytes = file.bytes;
    const response = await fetch(`${this.base()}/api/${path}/${id}`, {
      method: 'PUT',
      headers: { ...this.headers, 'x-threadloom': '1', 'content-type': file.mimeType },
      // A page that claimed another size sends its bytes as a stream: no Content-Length to check.
      body: lying
        ? new ReadableStream<Uint8Array>({
            start(controller) {
              for (let at = 0; at < bytes.byteLength; at += 64 * 1024)
                controller.enqueue(bytes.slice(at, at + 64 * 1024));
              controller.close();
            },
          })
        : bytes,
      ...(lying ? { duplex: 'half' } : {}),
    } as RequestInit);
    await response.body?.cancel();
    return { id, sent: response.status === 200 };
  }

  /** Sends a message (its id chosen by the page, so that sending it again is recognised). */
  send(conversation: string, id: string, text: string, uploads: readonly string[] = []) {
    return this.ok('POST', `conversations/${conversation}/messages`, { id, text, uploads });
  }

  async file(conversation: string, fileId: string): Promise<Uint8Array> {
    const response = await fetch(`${this.base()}/api/conversations/${conversation}/files/${fileId}`, {
      headers: this.headers,
    });
    if (!response.ok) throw new Error(`file ${fileId}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }

  /** Follows a conversation's events from after `position`, as EventSource does. */
  follow(conversation: string, position: number, onEvent: (event: PageEvent, position: number) => void) {
    return openEventStream(`${this.base()}/api/conversations/${conversation}/events`, {
      headers: this.headers,
      ...(position > 0 ? { lastEventId: String(position) } : {}),
      onEvent: ({ id, data }) => onEvent(JSON.parse(data) as PageEvent, Number(id)),
    });
  }
}

/**
 * A conversation as the page rebuilds it from its events: the same rules as the page's transcript
 * (post, edit, append, remove), and a record of any event that came twice, out of order or after a gap.
 */
export class PageTranscript {
  position = 0;
  readonly messages = new Map<string, PageMessage>();
  readonly order: string[] = [];
  readonly users: { id: string; text: string; files: string[] }[] = [];
  readonly problems: string[] = [];
  running = false;

  apply(event: PageEvent, position: number): void {
    if (position !== this.position + 1)
      this.problems.push(
        `event ${position} arrived after event ${this.position} (expected ${this.position + 1})`,
      );
    if (position <= this.position) return;
    this.position = position;
    switch (event.type) {
      case 'user':
        this.users.push(event);
        return;
      case 'post':
        this.messages.set(event.id, event.message);
        this.order.push(event.id);
        return;
      case 'edit':
        if (!this.messages.has(event.id)) this.order.push(event.id);
        this.messages.set(event.id, event.message);
        return;
      case 'append': {
        const message = this.messages.get(event.id);
        if (message?.kind === 'answer')
          this.messages.set(event.id, { ...message, text: message.text + event.delta });
        return;
      }
      case 'remove':
        this.messages.delete(event.id);
        return;
      case 'running':
        this.running = event.running;
        return;
      case 'status':
        return;
    }
  }

  /** The bot's messages, oldest first. */
  shown(): PageMessage[] {
    return this.order.flatMap((id) => {
      const message = this.messages.get(id);
      return message === undefined ? [] : [message];
    });
  }
}

export type { SseConnection };
