import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';
import { type WaitForOptions, waitForChange } from '../shared/wait-for-change.js';
import { FileHost, type HostedFile } from './file-host.js';
import { JSON_ARGS, METHODS, type MethodCall, type MethodResult } from './methods.js';
import { SocketModeServer } from './socket-mode.js';
import { checkArguments, documentsError } from './spec.js';
import { FAKE_TEAM, type FakeMessage, type FakeUser, SlackState } from './state.js';

/** One Web API call, as recorded. */
export interface RecordedCall extends MethodCall {
  status: number;
  result: MethodResult;
  /** When it arrived (ms since the epoch). */
  at: number;
}

/** A post to a `response_url`. */
export interface RecordedResponse {
  id: string;
  body: Record<string, unknown>;
}

/** How the next calls of a method fail. */
export interface MethodFault {
  /** Slack's error string (default `ratelimited` for status 429, else `internal_error`). */
  error?: string;
  /** HTTP status (Slack answers 200 for errors, 429 when rate limited). */
  status?: number;
  /** Retry-After, in seconds, with a 429. */
  retryAfter?: number;
  /** How many calls fail (default 1; Infinity: until cleared). */
  times?: number;
  /**
   * The call takes effect first (the message is posted, the update made) and only then fails, as when
   * Slack did the work but the answer was lost (a 5xx from its edge).
   */
  afterHandling?: boolean;
  /** Only calls whose arguments this accepts fail (default: every call of the method). */
  matching?: (args: Readonly<Record<string, unknown>>) => boolean;
}

/** Which calls of a method a control applies to, by their arguments. */
type Matcher = (args: Readonly<Record<string, unknown>>) => boolean;

/** A rate limit the fake holds one method to: a token bucket per workspace, or per channel. */
interface MethodLimit {
  perSecond: number;
  burst: number;
  buckets: Map<string, { tokens: number; at: number }>;
}

/** How long `waitFor` waits, and what its timeout error names. */
export type WaitOptions = WaitForOptions;

/**
 * A local Slack for tests, on 127.0.0.1: the Web API at `/api/<method>` for every method the bot uses,
 * the upload URLs of files.getUploadURLExternal, `response_url`s, a file host for shared files (with a
 * second host to redirect to), and Socket Mode. Every call is checked against Slack's method reference
 * (violations are collected, not thrown, so a test can assert there are none), held to Slack's
 * size limits, and recorded.
 */
export class FakeSlack {
  readonly state = new SlackState();
  readonly calls: RecordedCall[] = [];
  readonly responses: RecordedResponse[] = [];
  /** Calls whose arguments do not match the reference, and undocumented errors the fake answered. */
  readonly violations: string[] = [];
  readonly files: FileHost;
  readonly socket: SocketModeServer;
  private readonly faults = new Map<string, Required<Pick<MethodFault, 'times'>> & MethodFault>();
  private readonly limits = new Map<string, MethodLimit>();
  /** Methods whose limit holds per channel rather than per workspace. */
  private readonly perChannelLimits = new Set<string>();
  private readonly changes = new EventEmitter();
  private responseCount = 0;
  /** Calls whose answer is kept back (see `holdAnswer`). */
  private readonly holds: { method: string; matching: Matcher; taken: () => void }[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
    elsewhere: FileHost['elsewhere'],
  ) {
    this.changes.setMaxListeners(100);
    this.files = new FileHost(url, elsewhere, () => this.changed());
    this.socket = new SocketModeServer(server, () => this.changed());
  }

  static async start(): Promise<FakeSlack> {
    let fake: FakeSlack | undefined;
    const server = createServer((req, res) => {
      fake?.handle(req, res).catch((error: unknown) => {
        res.writeHead(500).end(String(error));
      });
    });
    const url = await listen(server);
    const elsewhere = await FileHost.startElsewhere();
    fake = new FakeSlack(server, url, elsewhere);
    return fake;
  }

  /** `127.0.0.1:<port>`: the host the bot may send its token to for shared files. */
  get host(): string {
    return new URL(this.url).host;
  }

  /** The Web API base URL, for `SLACK_API_URL`. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  async close(): Promise<void> {
    await this.socket.close();
    await this.files.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- Test controls ----

  /** The next `times` calls of `method` fail as described. */
  fail(method: string, fault: MethodFault = {}): void {
    this.faults.set(method, { ...fault, times: fault.times ?? 1 });
  }

  /** The next calls of `method` get HTTP 429 `ratelimited` with Retry-After. */
  rateLimit(method: string, retryAfterSeconds = 1, times = 1): void {
    this.fail(method, { status: 429, error: 'ratelimited', retryAfter: retryAfterSeconds, times });
  }

  /**
   * The next successful call of `method` whose arguments `matching` accepts takes effect (the message
   * is posted) but its answer never leaves: as when the bot's process dies between Slack doing the
   * work and the bot reading the answer. Resolves once that call was made; the connection stays open
   * until the client goes away (or the fake closes).
   */
  holdAnswer(method: string, matching: Matcher = () => true): Promise<void> {
    return new Promise((taken) => this.holds.push({ method, matching, taken }));
  }

  clearFaults(): void {
    this.faults.clear();
    this.limits.clear();
    this.perChannelLimits.clear();
  }

  /**
   * Enforces a rate limit on `method` as Slack does per workspace (or, with `perChannel`, per channel,
   * as for chat.postMessage): past `burst` calls, more than `perSecond` get 429 `ratelimited` with
   * Retry-After.
   */
  enforceRate(method: string, limit: { perSecond: number; burst: number; perChannel?: boolean }): void {
    this.limits.set(method, { perSecond: limit.perSecond, burst: limit.burst, buckets: new Map() });
    if (limit.perChannel) this.perChannelLimits.add(method);
    else this.perChannelLimits.delete(method);
  }

  /** Takes a token from the method's bucket (the channel's, when per channel); false when too fast. */
  private withinRate(method: string, args: Readonly<Record<string, unknown>>): boolean {
    const limit = this.limits.get(method);
    if (!limit) return true;
    const scope = this.perChannelLimits.has(method) ? String(args.channel ?? args.channel_id ?? '') : '';
    const now = Date.now();
    const bucket = limit.buckets.get(scope) ?? { tokens: limit.burst, at: now };
    limit.buckets.set(scope, bucket);
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) * limit.perSecond) / 1000);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Ends a stream as Slack does after about 5 minutes: appends then get message_not_in_streaming_state. */
  expireStream(channel: string, ts: string): void {
    const message = this.state.find(channel, ts);
    if (message?.stream === 'streaming') message.stream = 'stopped';
  }

  addUser(user: FakeUser): void {
    this.state.users.set(user.id, user);
  }

  /** Records a user's message, so conversations.replies lists it as Slack would. */
  addUserMessage(message: {
    channel: string;
    ts: string;
    thread_ts?: string;
    user: string;
    text: string;
  }): void {
    this.state.add({ ...message }, message.text);
  }

  /** A file shared by a user, served by the fake file host; the object is what a message event carries. */
  shareFile(file: HostedFile): Record<string, unknown> {
    const shared = this.files.share(file);
    this.state.shared.set(String(shared.id), { file: fileInfo(shared), denied: false });
    return shared;
  }

  /**
   * A file shared from another organisation in a Slack Connect channel: the event carries only a stub
   * (`mode: file_access`, `file_access: check_file_info`, as Slack sends it), and files.info tells the
   * rest, or answers `access_denied` when that organisation does not let the app see it (`denied`).
   */
  shareConnectFile(file: HostedFile, options: { denied?: boolean } = {}): Record<string, unknown> {
    const shared = this.files.share(file);
    this.state.shared.set(String(shared.id), { file: fileInfo(shared), denied: options.denied ?? false });
    return connectStub(String(shared.id));
  }

  /** A fresh response_url. */
  responseUrl(): string {
    this.responseCount += 1;
    return `${this.url}/respond/${this.responseCount}`;
  }

  // ---- What happened ----

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** The bot's messages in a thread (not deleted), oldest first. */
  botMessages(channel: string, thread: string): FakeMessage[] {
    return this.state.thread(channel, thread).filter((m) => m.bot_id === FAKE_TEAM.botId && m.ts !== thread);
  }

  /** Resolves with `probe()`'s first truthy value, re-checked on every call; rejects after the deadline. */
  waitFor<T>(probe: () => T | undefined | null | false, options: WaitOptions = {}): Promise<T> {
    const onChange = (listener: () => void) => {
      this.changes.on('change', listener);
      return () => {
        this.changes.off('change', listener);
      };
    };
    return waitForChange('fake Slack', onChange, probe, options);
  }

  /** Re-checks every waitFor (for watchers outside the fake whose state changed). */
  notify(): void {
    this.changes.emit('change');
  }

  private changed(): void {
    this.notify();
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const body = await readBody(req);
    if (req.method === 'POST' && url.pathname.startsWith('/api/')) {
      return this.api(url.pathname.slice('/api/'.length), req, body, res);
    }
    if (req.method === 'POST' && url.pathname.startsWith('/upload/v1/')) {
      return this.upload(url.pathname.slice('/upload/v1/'.length), req, body, res);
    }
    if (req.method === 'POST' && url.pathname.startsWith('/respond/')) {
      this.responses.push({ id: url.pathname.slice('/respond/'.length), body: JSON.parse(body.toString()) });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return this.changed();
    }
    if (req.method === 'GET' && url.pathname.startsWith('/files-pri/')) return this.files.serve(req, res);
    res.writeHead(404).end();
  }

  private api(method: string, req: IncomingMessage, raw: Buffer, res: ServerResponse): void {
    const args = decodeArgs(req.headers['content-type'], raw);
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ')
      ? header.slice('Bearer '.length)
      : (args.token as string | undefined);
    delete args.token;
    const at = Date.now();
    const call: MethodCall = { method, args, token };
    const { status, result, headers } = this.answer(call);
    if (!result.ok && !documentsError(method, result.error)) {
      this.violations.push(`${method}: answered undocumented error ${result.error}`);
    }
    this.calls.push({ ...call, status, result, at });
    const hold = this.holds.findIndex((h) => h.method === method && result.ok && h.matching(call.args));
    if (hold >= 0) {
      this.holds.splice(hold, 1)[0]?.taken();
      this.changed();
      return;
    }
    res
      .writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
      .end(JSON.stringify(result));
    this.changed();
  }

  private answer(call: MethodCall): {
    status: number;
    result: MethodResult;
    headers?: Record<string, string>;
  } {
    const handler = METHODS[call.method];
    if (!handler) return { status: 200, result: { ok: false, error: 'unknown_method' } };
    this.violations.push(...checkArguments(call.method, call.args, call.token !== undefined));
    const expected = call.method === 'apps.connections.open' ? FAKE_TEAM.appToken : FAKE_TEAM.botToken;
    if (call.token === undefined) return { status: 200, result: { ok: false, error: 'not_authed' } };
    if (call.token !== expected) return { status: 200, result: { ok: false, error: 'invalid_auth' } };
    const fault = this.faults.get(call.method);
    if (fault && (fault.matching === undefined || fault.matching(call.args))) {
      fault.times -= 1;
      if (fault.times <= 0) this.faults.delete(call.method);
      if (fault.afterHandling) handler(call, { state: this.state, baseUrl: this.url });
      const status = fault.status ?? 200;
      const error = fault.error ?? (status === 429 ? 'ratelimited' : 'internal_error');
      const headers = status === 429 ? { 'retry-after': String(fault.retryAfter ?? 1) } : undefined;
      return { status, result: { ok: false, error }, ...(headers ? { headers } : {}) };
    }
    if (!this.withinRate(call.method, call.args)) {
      return { status: 429, result: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': '1' } };
    }
    return { status: 200, result: handler(call, { state: this.state, baseUrl: this.url }) };
  }

  /** The upload URL: the client posts the bytes as multipart form data (field `body`, or `file`). */
  private async upload(id: string, req: IncomingMessage, raw: Buffer, res: ServerResponse): Promise<void> {
    const file = this.state.files.get(id);
    const type = req.headers['content-type'] ?? '';
    let bytes: Uint8Array = raw;
    if (type.startsWith('multipart/form-data')) {
      const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
      const part = form.get('body') ?? form.get('file');
      bytes =
        part instanceof Blob
          ? new Uint8Array(await part.arrayBuffer())
          : new TextEncoder().encode(String(part));
    }
    if (!file || bytes.byteLength !== file.length) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad upload');
      this.violations.push(
        `upload ${id}: ${file ? `length ${bytes.byteLength} != declared ${file.length}` : 'unknown file'}`,
      );
      return this.changed();
    }
    file.bytes = bytes;
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${bytes.byteLength}`);
    this.changed();
  }
}

/** The stub file object of a Slack Connect share (verbatim shape from Slack's Events API). */
function connectStub(id: string): Record<string, unknown> {
  return { id, mode: 'file_access', file_access: 'check_file_info', created: 0, timestamp: 0, user: '' };
}

/** The file object files.info answers (objs_file): what the event carries, and who shared it when. */
function fileInfo(shared: Record<string, unknown>): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    ...shared,
    created: now,
    timestamp: now,
    user: 'U0EXTERN01',
    is_external: false,
    is_public: false,
  };
}

function decodeArgs(type: string | undefined, raw: Buffer): Record<string, unknown> {
  const text = raw.toString('utf8');
  const args: Record<string, unknown> = type?.startsWith('application/json')
    ? (JSON.parse(text || '{}') as Record<string, unknown>)
    : { ...parseQuery(text) };
  for (const name of JSON_ARGS) {
    const value = args[name];
    if (typeof value === 'string') {
      try {
        args[name] = JSON.parse(value);
      } catch {
        // left as text: the method answers invalid_arguments / invalid_blocks
      }
    }
  }
  return args;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Listens on 127.0.0.1, any free port; resolves with the base URL. */
export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
