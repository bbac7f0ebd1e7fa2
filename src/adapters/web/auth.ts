import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';
import { LOOPBACK_USER, USER_NAME, type WebAuth } from './config.js';

/** The session cookie a token is traded for. */
export const SESSION_COOKIE = 'threadloom_session';
/** How long a session cookie is good for. */
export const SESSION_MS = 30 * 24 * 60 * 60 * 1000;

/** Who made a request, or why nobody is let in. */
export type Identity =
  | { ok: true; user: string }
  | { ok: false; status: 401 | 403; error: string /** The page may ask for a token. */; login?: boolean };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const mac = (token: string, payload: string) =>
  createHmac('sha256', token).update(payload).digest('base64url');

/** True when both strings are equal, in time that does not depend on where they differ. */
function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** An address (IPv4-mapped IPv6 read as IPv4), or undefined when it does not parse. */
function parseAddress(address: string | undefined): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  try {
    return address === undefined ? undefined : ipaddr.process(address);
  } catch {
    return undefined;
  }
}

/** True for a request from this machine. */
export function isLoopback(address: string | undefined): boolean {
  return parseAddress(address)?.range() === 'loopback';
}

/** True when the Host header names this machine (a page on another name could be DNS rebinding). */
function isLoopbackHost(host: string | undefined): boolean {
  const name = (host ?? '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  return name === 'localhost' || isLoopback(name);
}

/** True when `address` is one of the ranges (`10.0.0.0/8`, `192.0.2.7`, `::1`). */
function inRanges(address: string | undefined, ranges: readonly string[]): boolean {
  const parsed = parseAddress(address);
  if (parsed === undefined) return false;
  return ranges.some((range) => {
    try {
      const [base, bits] = range.includes('/')
        ? ipaddr.parseCIDR(range)
        : [ipaddr.process(range), range.includes(':') ? 128 : 32];
      const normal =
        base.kind() === 'ipv6' && (base as ipaddr.IPv6).isIPv4MappedAddress()
          ? (base as ipaddr.IPv6).toIPv4Address()
          : base;
      return parsed.kind() === normal.kind() && parsed.match(normal, bits);
    } catch {
      return false;
    }
  });
}

/** The cookies of a request, by name. */
function cookiesOf(req: IncomingMessage): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) cookies.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  return cookies;
}

/**
 * Who a request is from, by WEB_AUTH: the person at this machine (loopback), the owner of a token
 * (a bearer token, or the session cookie it was traded for), or the user a trusted proxy names.
 */
export class WebAuthenticator {
  /** sha256(token) -> user: a lookup that does not compare the secret itself. */
  private readonly users = new Map<string, string>();
  /** user -> token, to check their session cookies. */
  private readonly tokens = new Map<string, string>();

  constructor(
    private readonly auth: WebAuth,
    private readonly now: () => number = Date.now,
  ) {
    if (auth.mode !== 'token') return;
    for (const [token, user] of auth.tokens) {
      this.users.set(sha256(token), user);
      this.tokens.set(user, token);
    }
  }

  get mode(): WebAuth['mode'] {
    return this.auth.mode;
  }

  identify(req: IncomingMessage): Identity {
    const from = req.socket.remoteAddress;
    switch (this.auth.mode) {
      case 'loopback':
        if (isLoopback(from) && isLoopbackHost(req.headers.host)) return { ok: true, user: LOOPBACK_USER };
        return {
          ok: false,
          status: 403,
          error: 'the web chat answers this machine only (WEB_AUTH=loopback)',
        };
      case 'proxy': {
        if (!inRanges(from, this.auth.proxies))
          return { ok: false, status: 403, error: 'requests must come through the trusted proxy' };
        const named = req.headers[this.auth.header];
        const user = Array.isArray(named) ? undefined : named?.trim();
        if (user === undefined || user === '')
          return { ok: false, status: 401, error: 'the proxy named no user' };
        if (!USER_NAME.test(user))
          return { ok: false, status: 403, error: 'the proxy named an invalid user' };
        return { ok: true, user };
      }
      case 'token': {
        const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
        const user = bearer === undefined ? this.sessionUser(req) : this.tokenUser(bearer);
        if (user !== undefined) return { ok: true, user };
        return { ok: false, status: 401, error: 'a token is required', login: true };
      }
    }
  }

  /** The user a token belongs to, if any. */
  tokenUser(token: string): string | undefined {
    return this.users.get(sha256(token));
  }

  /** The Set-Cookie value of a session for `user` (who presented their token). */
  sessionCookie(user: string, path: string): string {
    const token = this.tokens.get(user) ?? '';
    const payload = `${user}.${this.now() + SESSION_MS}`;
    return `${SESSION_COOKIE}=${payload}.${mac(token, payload)}; ${cookieAttributes(path, SESSION_MS / 1000)}`;
  }

  /** The Set-Cookie value that ends the session. */
  static endSessionCookie(path: string): string {
    return `${SESSION_COOKIE}=; ${cookieAttributes(path, 0)}`;
  }

  /** The user of a valid, unexpired session cookie signed with their current token. */
  private sessionUser(req: IncomingMessage): string | undefined {
    const value = cookiesOf(req).get(SESSION_COOKIE);
    const match = /^([^.]+(?:\.[^.]+)*)\.(\d+)\.([A-Za-z0-9_-]+)$/.exec(value ?? '');
    if (!match) return undefined;
    const [, user = '', expires = '', signature = ''] = match;
    const token = this.tokens.get(user);
    if (token === undefined || Number(expires) < this.now()) return undefined;
    return sameText(signature, mac(token, `${user}.${expires}`)) ? user : undefined;
  }
}

/** A session cookie the page's script cannot read, sent only over HTTPS (or to this machine) and never cross-site. */
function cookieAttributes(path: string, maxAgeSeconds: number): string {
  return `Path=${path}; Max-Age=${maxAgeSeconds}; HttpOnly; Secure; SameSite=Strict`;
}
