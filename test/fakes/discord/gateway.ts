import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { GatewayCloseCodes, GatewayIntentBits, GatewayOpcodes } from 'discord.js';
import { type WebSocket, WebSocketServer } from 'ws';
import { snowflake } from './ids.js';

/** Intents an application must be granted in the developer portal before it may ask for them. */
export const PRIVILEGED_INTENTS =
  GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;

/** `[shard_id, num_shards]` as IDENTIFY and READY carry it; `[0, 1]` when a client does not shard. */
export type ShardKey = readonly [id: number, count: number];

/**
 * Which shard Discord sends a guild's events to: `(guild_id >> 22) % num_shards`. Events outside
 * any guild (DMs) go to shard 0 only.
 */
export function shardOf(guildId: string | undefined, count: number): number {
  if (guildId === undefined) return 0;
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

/** One identified gateway session: its events, numbered, kept so a RESUME can replay them. */
export interface GatewaySession {
  id: string;
  intents: number;
  /** The shard it identified as. */
  shard: ShardKey;
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
  /** The `shard` of every IDENTIFY, in order (`undefined` for an IDENTIFY without one). */
  identifiedShards: (ShardKey | undefined)[];
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
  /** READY's `d` for a new session: its shard's guilds, the resume URL (known once the server listens). */
  ready(session: GatewaySession): unknown;
  /** What a new session gets after READY: GUILD_CREATE for each guild on its shard. */
  afterReady(session: GatewaySession): { t: string; d: unknown }[];
  changed(): void;
}

/**
 * The gateway WebSocket as discord.js speaks it (JSON, no compression): HELLO, IDENTIFY -> READY and
 * GUILD_CREATEs, HEARTBEAT -> ACK, numbered dispatches, RESUME after a dropped connection with the
 * events missed in between (or, when a test asks, some it had already delivered). Sharded as Discord
 * shards: each IDENTIFY's `[shard_id, num_shards]` gets the guilds and events of its shard only.
 */
export class Gateway {
  readonly stats: GatewayStats = {
    connections: [],
    identifies: 0,
    identifiedShards: [],
    resumes: 0,
    heartbeats: 0,
    replayed: 0,
  };
  private readonly server = new WebSocketServer({ noServer: true });
  private readonly byId = new Map<string, GatewaySession>();
  /** The sessions events go to: per shard, the last one identified as it. */
  private readonly live = new Map<string, GatewaySession>();
  /** The last session identified. */
  private current: GatewaySession | undefined;
  /** Changes to the next dispatch of an event type (see `alterNext`). */
  private readonly alterations = new Map<string, (d: unknown) => unknown>();

  constructor(private readonly options: GatewayOptions) {}

  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/gateway' && url.pathname !== '/gateway-resume') {
      socket.destroy();
      return;
    }
    this.server.handleUpgrade(request, socket, head, (ws) => this.connected(ws, url));
  }

  /** The last session identified (of an unsharded client: the one events go to). */
  get session(): GatewaySession | undefined {
    return this.current;
  }

  /** The sessions events go to, one per shard, in the order they identified. */
  get sessions(): GatewaySession[] {
    return [...this.live.values()];
  }

  /**
   * Sends an event to the session of the shard it belongs to, `guildId`'s (DMs: shard 0), or keeps it
   * for that session's RESUME while disconnected. Nothing happens without such a session, or when the
   * session did not ask for `intent`.
   */
  dispatch(
    t: string,
    build: (session: GatewaySession) => unknown,
    to: { guildId: string | undefined; intent?: number },
  ): void {
    const alter = this.alterations.get(t);
    this.alterations.delete(t);
    for (const session of this.live.values()) {
      const [id, count] = session.shard;
      if (shardOf(to.guildId, count) !== id) continue;
      if (to.intent !== undefined && (session.intents & to.intent) === 0) continue;
      const d = build(session);
      this.send(session, t, alter ? alter(d) : d);
    }
  }

  /**
   * The next dispatch of `t` goes out changed by `alter`: for shapes Discord has really sent that
   * the fake's builders (typed to the documented shape) cannot make, e.g. `withoutEntitlements`.
   */
  alterNext(t: string, alter: (d: unknown) => unknown): void {
    this.alterations.set(t, alter);
  }

  private send(session: GatewaySession, t: string, d: unknown): void {
    session.seq += 1;
    const event = { op: 0 as const, t, s: session.seq, d };
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
      for (const session of this.byId.values()) {
        if (session.socket !== ws) continue;
        session.socket = undefined;
        // A client closing with 1000 or 1001 ends its session, as on Discord: no RESUME after that.
        if (code !== 1000 && code !== 1001) continue;
        this.byId.delete(session.id);
        const key = session.shard.join('/');
        if (this.live.get(key) === session) this.live.delete(key);
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
    const shard = data.shard;
    if (shard !== undefined && !isShardKey(shard)) {
      ws.close(GatewayCloseCodes.InvalidShard, 'Invalid shard.');
      return;
    }
    this.stats.identifies += 1;
    this.stats.identifiedShards.push(shard);
    const session: GatewaySession = {
      id: snowflake(),
      intents,
      shard: shard ?? [0, 1],
      seq: 0,
      events: [],
      socket: ws,
      replayAfter: undefined,
    };
    this.byId.set(session.id, session);
    this.live.set(session.shard.join('/'), session);
    this.current = session;
    this.send(session, 'READY', this.options.ready(session));
    for (const { t, d } of this.options.afterReady(session)) this.send(session, t, d);
  }

  private resume(ws: WebSocket, data: Record<string, unknown>): void {
    const session = typeof data.session_id === 'string' ? this.byId.get(data.session_id) : undefined;
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

/** Discord's rule for IDENTIFY's `shard`: `[shard_id, num_shards]`, whole numbers, the id below the count. */
function isShardKey(value: unknown): value is ShardKey {
  if (!Array.isArray(value) || value.length !== 2) return false;
  const [id, count] = value as unknown[];
  return (
    typeof id === 'number' &&
    typeof count === 'number' &&
    Number.isInteger(id) &&
    Number.isInteger(count) &&
    id >= 0 &&
    id < count
  );
}
