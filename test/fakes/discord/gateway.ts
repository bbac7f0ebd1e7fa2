import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { GatewayCloseCodes, GatewayIntentBits, GatewayOpcodes } from 'discord.js';
import { type WebSocket, WebSocketServer } from 'ws';
import { snowflake } from './ids.js';

/** Intents an application must be granted in the developer portal before it may ask for them. */
export const PRIVILEGED_INTENTS =
  GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;

/** One identified gateway session: its events, numbered, kept so a RESUME can replay them. */
export interface GatewaySession {
  id: string;
  intents: number;
  seq: number;
  events: { op: 0; t: string; s: number; d: unknown }[];
  socket: WebSocket | undefined;
  /**
   * At the next RESUME, replay from after this sequence number even when the client has seen more:
   * at-least-once delivery, as when Discord redelivers events around a reconnect.
   */
  replayAfter: number | undefined;
}

/** What happened on the gateway, for tests. */
export interface GatewayStats {
  /** Every connection, with the path it used (`/gateway` or the resume URL's `/gateway-resume`). */
  connections: string[];
  identifies: number;
  resumes: number;
  heartbeats: number;
  /** Events replayed at RESUMEs. */
  replayed: number;
}

/** What the gateway is built with. */
export interface GatewayOptions {
  token: string;
  heartbeatIntervalMs: number;
  /** Privileged intents this application was granted. */
  grantedIntents: number;
  /** READY's `d` for a new session (it needs the resume URL, known once the server listens). */
  ready(session: GatewaySession): unknown;
  /** What a new session gets after READY: GUILD_CREATE for each guild. */
  afterReady(session: GatewaySession): { t: string; d: unknown }[];
  changed(): void;
}

/**
 * The gateway WebSocket as discord.js speaks it (JSON, no compression): HELLO, IDENTIFY -> READY and
 * GUILD_CREATEs, HEARTBEAT -> ACK, numbered dispatches, RESUME after a dropped connection with the
 * events missed in between (or, when a test asks, some it had already delivered).
 */
export class Gateway {
  readonly stats: GatewayStats = { connections: [], identifies: 0, resumes: 0, heartbeats: 0, replayed: 0 };
  private readonly server = new WebSocketServer({ noServer: true });
  private readonly sessions = new Map<string, GatewaySession>();
  /** The session events go to: the last one identified. */
  private current: GatewaySession | undefined;

  constructor(private readonly options: GatewayOptions) {}

  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/gateway' && url.pathname !== '/gateway-resume') {
      socket.destroy();
      return;
    }
    this.server.handleUpgrade(request, socket, head, (ws) => this.connected(ws, url));
  }

  /** The session events currently go to. */
  get session(): GatewaySession | undefined {
    return this.current;
  }

  /**
   * Sends an event to the current session (or keeps it for its RESUME while disconnected). Nothing
   * happens without a session, or when the session did not ask for `intent`.
   */
  dispatch(t: string, build: (session: GatewaySession) => unknown, intent?: number): void {
    const session = this.current;
    if (!session || (intent !== undefined && (session.intents & intent) === 0)) return;
    session.seq += 1;
    const event = { op: 0 as const, t, s: session.seq, d: build(session) };
    session.events.push(event);
    session.socket?.send(JSON.stringify(event));
    this.options.changed();
  }

  /** Cuts the connection as a network failure would; discord.js then RESUMEs at the resume URL. */
  drop(options: { replayAfter?: number } = {}): void {
    const session = this.current;
    if (!session?.socket) throw new Error('fake Discord: no gateway connection to drop');
    session.replayAfter = options.replayAfter;
    session.socket.terminate();
    session.socket = undefined;
    this.options.changed();
  }

  /** Is the current session's connection open? */
  get isConnected(): boolean {
    return this.current?.socket !== undefined;
  }

  async close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private connected(ws: WebSocket, url: URL): void {
    this.stats.connections.push(url.pathname);
    if (url.searchParams.get('v') !== '10') {
      ws.close(GatewayCloseCodes.InvalidAPIVersion, 'Invalid API version');
      return;
    }
    if (url.searchParams.get('encoding') !== 'json') {
      ws.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return;
    }
    const send = (payload: unknown) => ws.send(JSON.stringify(payload));
    send({ op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.options.heartbeatIntervalMs } });
    ws.on('message', (data) => {
      let payload: { op?: number; d?: Record<string, unknown> | number | null };
      try {
        payload = JSON.parse(String(data)) as typeof payload;
      } catch {
        ws.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
        return;
      }
      this.onPayload(ws, payload.op, payload.d);
    });
    ws.on('close', (code) => {
      for (const session of this.sessions.values()) {
        if (session.socket !== ws) continue;
        session.socket = undefined;
        // A client closing with 1000 or 1001 ends its session, as on Discord: no RESUME after that.
        if (code === 1000 || code === 1001) this.sessions.delete(session.id);
      }
      this.options.changed();
    });
  }

  private onPayload(ws: WebSocket, op: number | undefined, d: unknown): void {
    const data = (typeof d === 'object' && d !== null ? d : {}) as Record<string, unknown>;
    switch (op) {
      case GatewayOpcodes.Heartbeat:
        this.stats.heartbeats += 1;
        ws.send(JSON.stringify({ op: GatewayOpcodes.HeartbeatAck }));
        this.options.changed();
        return;
      case GatewayOpcodes.Identify:
        this.identify(ws, data);
        return;
      case GatewayOpcodes.Resume:
        this.resume(ws, data);
        return;
      default:
        // Presence updates, member requests...: accepted and ignored.
        return;
    }
  }

  private identify(ws: WebSocket, data: Record<string, unknown>): void {
    if (data.token !== this.options.token) {
      ws.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return;
    }
    const intents = data.intents;
    if (typeof intents !== 'number' || !Number.isInteger(intents) || intents < 0) {
      ws.close(GatewayCloseCodes.InvalidIntents, 'Invalid intent(s).');
      return;
    }
    if ((intents & PRIVILEGED_INTENTS & ~this.options.grantedIntents) !== 0) {
      ws.close(GatewayCloseCodes.DisallowedIntents, 'Disallowed intent(s).');
      return;
    }
    this.stats.identifies += 1;
    const session: GatewaySession = {
      id: snowflake(),
      intents,
      seq: 0,
      events: [],
      socket: ws,
      replayAfter: undefined,
    };
    this.sessions.set(session.id, session);
    this.current = session;
    this.dispatch('READY', () => this.options.ready(session));
    for (const { t, d } of this.options.afterReady(session)) this.dispatch(t, () => d);
  }

  private resume(ws: WebSocket, data: Record<string, unknown>): void {
    const session = typeof data.session_id === 'string' ? this.sessions.get(data.session_id) : undefined;
    if (!session || data.token !== this.options.token || typeof data.seq !== 'number') {
      ws.send(JSON.stringify({ op: GatewayOpcodes.InvalidSession, d: false }));
      return;
    }
    this.stats.resumes += 1;
    session.socket = ws;
    const from = Math.min(data.seq, session.replayAfter ?? data.seq);
    session.replayAfter = undefined;
    for (const event of session.events.filter((e) => e.s > from)) {
      this.stats.replayed += 1;
      ws.send(JSON.stringify(event));
    }
    ws.send(JSON.stringify({ op: 0, t: 'RESUMED', s: session.seq, d: { _trace: ['fake-discord'] } }));
    this.options.changed();
  }
}
