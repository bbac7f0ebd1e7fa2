import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE, SESSION_MS, WebAuthenticator } from './auth.js';

const request = (from: string, headers: Record<string, string> = {}) =>
  ({ socket: { remoteAddress: from }, headers }) as unknown as IncomingMessage;

describe('who a web chat request is from', () => {
  it('loopback: this machine, by a loopback name only', () => {
    const auth = new WebAuthenticator({ mode: 'loopback' });
    for (const [from, host] of [
      ['127.0.0.1', '127.0.0.1:3000'],
      ['::1', '[::1]:3000'],
      ['::ffff:127.0.0.1', 'localhost:3000'],
    ] as const) {
      expect(auth.identify(request(from, { host }))).toEqual({ ok: true, user: 'local' });
    }
    // Another machine; or this one, asked for under another name (DNS rebinding).
    expect(auth.identify(request('192.0.2.7', { host: '127.0.0.1:3000' }))).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(auth.identify(request('127.0.0.1', { host: 'evil.example:3000' }))).toMatchObject({
      ok: false,
      status: 403,
    });
  });

  it('proxy: the named user, from the trusted addresses only', () => {
    const auth = new WebAuthenticator({
      mode: 'proxy',
      header: 'x-forwarded-user',
      proxies: ['10.0.0.0/8', '::1'],
    });
    expect(auth.identify(request('10.1.2.3', { 'x-forwarded-user': 'dana' }))).toEqual({
      ok: true,
      user: 'dana',
    });
    expect(auth.identify(request('::ffff:10.9.9.9', { 'x-forwarded-user': 'dana' }))).toEqual({
      ok: true,
      user: 'dana',
    });
    expect(auth.identify(request('::1', { 'x-forwarded-user': 'dana' }))).toEqual({ ok: true, user: 'dana' });
    expect(auth.identify(request('192.0.2.7', { 'x-forwarded-user': 'dana' }))).toMatchObject({
      status: 403,
    });
    expect(auth.identify(request('10.1.2.3'))).toMatchObject({ status: 401 });
    expect(auth.identify(request('10.1.2.3', { 'x-forwarded-user': 'a:b' }))).toMatchObject({ status: 403 });
  });

  it('token: a bearer token, or the signed session cookie it was traded for, until it expires', () => {
    let now = 1_000_000;
    const tokens = new Map([['alice-secret-token-0001', 'alice']]);
    const auth = new WebAuthenticator({ mode: 'token', tokens }, () => now);
    const bearer = (token: string) => request('192.0.2.7', { authorization: `Bearer ${token}` });
    expect(auth.identify(bearer('alice-secret-token-0001'))).toEqual({ ok: true, user: 'alice' });
    expect(auth.identify(bearer('wrong'))).toMatchObject({ ok: false, status: 401, login: true });
    expect(auth.identify(request('192.0.2.7'))).toMatchObject({ ok: false, status: 401 });

    const cookie = auth.sessionCookie('alice', '/chat');
    expect(cookie).toMatch(/; Path=\/chat; Max-Age=\d+; HttpOnly; Secure; SameSite=Strict$/);
    const value = cookie.split(';')[0] ?? '';
    const withCookie = (v: string) => request('192.0.2.7', { cookie: `other=1; ${v}` });
    expect(auth.identify(withCookie(value))).toEqual({ ok: true, user: 'alice' });
    // Tampered: another user's name on Alice's signature, or a later expiry.
    expect(auth.identify(withCookie(value.replace('=alice.', '=bob.')))).toMatchObject({ ok: false });
    const [name, rest = ''] = value.split('=');
    const [user, expires, signature] = rest.split('.');
    expect(auth.identify(withCookie(`${name}=${user}.${Number(expires) + 1}.${signature}`))).toMatchObject({
      ok: false,
    });
    now += SESSION_MS + 1;
    expect(auth.identify(withCookie(value))).toMatchObject({ ok: false });
    expect(WebAuthenticator.endSessionCookie('/chat')).toMatch(
      new RegExp(`^${SESSION_COOKIE}=; Path=/chat; Max-Age=0`),
    );
  });
});
