import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';

/** What Slack sends over Socket Mode: the same bodies as HTTP mode, in an envelope. */
export type SocketEnvelopeType = 'events_api' | 'slash_commands' | 'interactive';

/**
 * Socket Mode at `/socket` (the URL apps.connections.open returns): says `hello` on connect, sends
 * envelopes, and resolves each send when the app acknowledges its `envelope_id`.
 */
export class SocketModeServer {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly clients = new Set<WebSocket>();
  private readonly acks = new Map<string, (payload: unknown) => void>();
  private count = 0;

  constructor(
    server: Server,
    private readonly changed: () => void,
  ) {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!req.url?.startsWith('/socket')) return void socket.destroy();
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
  }

  /** Open connections (Bolt's client connects once started). */
  get connections(): number {
    return this.clients.size;
  }

  /** Sends `payload` to the app; resolves with its acknowledgement's payload. */
  send(type: SocketEnvelopeType, payload: unknown, retryAttempt = 0): Promise<unknown> {
    const client = [...this.clients][0];
    if (!client) return Promise.reject(new Error('fake Slack: no Socket Mode connection'));
    this.count += 1;
    const id = `env-${this.count}`;
    const acked = new Promise<unknown>((resolve) => this.acks.set(id, resolve));
    client.send(
      JSON.stringify({
        envelope_id: id,
        type,
        payload,
        accepts_response_payload: type !== 'events_api',
        ...(type === 'events_api'
          ? { retry_attempt: retryAttempt, retry_reason: retryAttempt > 0 ? 'timeout' : '' }
          : {}),
      }),
    );
    return acked;
  }

  async close(): Promise<void> {
    for (const client of this.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private accept(ws: WebSocket): void {
    this.clients.add(ws);
    ws.on('close', () => {
      this.clients.delete(ws);
      this.changed();
    });
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
      const resolve = message.envelope_id === undefined ? undefined : this.acks.get(message.envelope_id);
      if (message.envelope_id !== undefined) this.acks.delete(message.envelope_id);
      resolve?.(message.payload);
      this.changed();
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        debug_info: { host: 'fake-slack', approximate_connection_time: 18060 },
        connection_info: { app_id: 'A0APP00001' },
      }),
    );
    this.changed();
  }
}
