import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { hostAllowed } from '../../config/profiles/host-allowed.js';
import type { HttpMethod } from '../../config/profiles/http-tool-spec.js';
import { type ResolvedAddress, type Resolver, resolveAllowed, systemResolver } from './address-guard.js';

/** One request, as the template made it. */
export interface OutgoingRequest {
  method: HttpMethod;
  url: string;
  headers: Readonly<Record<string, string>>;
  body: string | undefined;
}

/** The guards one request goes through. */
export interface RequestGuards {
  allowedHosts: readonly string[];
  allowPrivateAddresses: boolean;
  maxResponseBytes: number;
  maxRedirects: number;
  signal: AbortSignal;
  resolve?: Resolver;
}

/** A response read up to the size cap. */
export interface GuardedResponse {
  status: number;
  statusText: string;
  /** The URL that answered, after same-host redirects. */
  url: string;
  /** The body as UTF-8 text, at most `maxResponseBytes` bytes of it. */
  text: string;
  /** The body was longer than `maxResponseBytes`; reading stopped there. */
  truncated: boolean;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Sends a request with the guards of an HTTP tool: the host must be on the allowlist; every address
 * the host resolves to must be public unless private addresses are allowed, and the connection goes
 * to exactly the addresses checked (no second lookup that DNS rebinding could answer differently);
 * redirects are followed by hand, only to the same host (scheme, name and port) and at most
 * `maxRedirects` times; the body is read only up to `maxResponseBytes`, whatever Content-Length says.
 * @throws Error saying which guard refused, or why the request failed.
 */
export async function guardedRequest(
  request: OutgoingRequest,
  guards: RequestGuards,
): Promise<GuardedResponse> {
  let url = new URL(request.url);
  let { method, body } = request;
  for (let hop = 0; ; hop += 1) {
    checkUrl(url, guards.allowedHosts);
    const addresses = await resolveAllowed(
      url.hostname,
      guards.allowPrivateAddresses,
      guards.resolve ?? systemResolver,
    );
    const response = await send(url, { ...request, method, body }, addresses, guards.signal);
    const location = response.headers.location;
    if (!REDIRECTS.has(response.statusCode ?? 0) || location === undefined) {
      return { ...(await readCapped(response, guards.maxResponseBytes)), url: url.href };
    }
    response.destroy();
    if (hop >= guards.maxRedirects) throw new Error(`more than ${guards.maxRedirects} redirects`);
    const next = new URL(location, url);
    if (next.protocol !== url.protocol || next.host !== url.host) {
      throw new Error(`redirect to another host refused (${url.host} redirected to ${next.host})`);
    }
    const status = response.statusCode ?? 0;
    if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
    }
    url = next;
  }
}

function checkUrl(url: URL, allowedHosts: readonly string[]): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`only http and https URLs may be requested (got ${url.protocol})`);
  }
  if (url.username !== '' || url.password !== '') throw new Error('URLs with credentials are refused');
  if (!hostAllowed(url.hostname, allowedHosts)) {
    throw new Error(`host ${url.hostname} is not on this tool's allowed hosts`);
  }
}

/** Makes `net.connect` use the addresses already checked instead of resolving the name again. */
function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const wanted = addresses.filter((a) => !options.family || a.family === options.family);
    const usable = wanted.length > 0 ? wanted : addresses;
    if (options.all) {
      (callback as (err: null, addresses: ResolvedAddress[]) => void)(null, [...usable]);
    } else {
      const first = usable[0] as ResolvedAddress;
      callback(null, first.address, first.family);
    }
  };
}

function send(
  url: URL,
  request: OutgoingRequest,
  addresses: readonly ResolvedAddress[],
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const headers: OutgoingHttpHeaders = {
    accept: 'application/json, text/plain;q=0.9, */*;q=0.8',
    'user-agent': 'threadloom',
    ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
    ...request.headers,
  };
  if (request.body !== undefined) headers['content-length'] = Buffer.byteLength(request.body);
  const requester = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = requester(url, {
      method: request.method,
      headers,
      signal,
      // A fresh connection per request: a pooled socket could have been opened to another address.
      agent: false,
      lookup: pinnedLookup(addresses),
    });
    outgoing.once('response', resolve);
    outgoing.once('error', reject);
    outgoing.end(request.body);
  });
}

async function readCapped(
  response: IncomingMessage,
  maxBytes: number,
): Promise<Omit<GuardedResponse, 'url'>> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    const room = maxBytes - size;
    if (chunk.length > room) {
      chunks.push(chunk.subarray(0, room));
      size += room;
      truncated = true;
      break; // ends the loop and destroys the response: nothing more is read
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  response.destroy();
  // `stream: true` holds back a character cut in half at the cap instead of garbling it.
  const text = new TextDecoder().decode(Buffer.concat(chunks), { stream: truncated });
  return { status: response.statusCode ?? 0, statusText: response.statusMessage ?? '', text, truncated };
}
