import { describe, expect, it } from 'vitest';
import { hostAllowed } from '../../config/profiles/host-allowed.js';
import { isPublicAddress, resolveAllowed } from './address-guard.js';

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '255.255.255.255',
    '224.0.0.1',
    '192.0.2.1',
    '::1',
    '::',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    'fe80::1',
    'fe80::1%eth0',
    'fc00::1',
    'fd12:3456::1',
    '64:ff9b::a00:1',
    '2002:7f00:1::',
    '2001:db8::1',
    'ff02::1',
    'not an address',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe('resolveAllowed', () => {
  it('checks IP literals, bracketed IPv6 included, without resolving', async () => {
    const resolve = async () => {
      throw new Error('no lookup expected');
    };
    await expect(resolveAllowed('[::1]', false, resolve)).rejects.toThrow('non-public address (::1)');
    await expect(resolveAllowed('127.0.0.1', true, resolve)).resolves.toEqual([
      { address: '127.0.0.1', family: 4 },
    ]);
  });

  it('refuses a name with no addresses', async () => {
    await expect(resolveAllowed('empty.example', false, async () => [])).rejects.toThrow('does not resolve');
  });

  it('resolves localhost with the system resolver and refuses it', async () => {
    await expect(resolveAllowed('localhost', false)).rejects.toThrow('non-public address');
  });
});

describe('hostAllowed', () => {
  it('matches names exactly, in any case, and *.domain for names under it only', () => {
    expect(hostAllowed('API.example.com', ['api.example.com'])).toBe(true);
    expect(hostAllowed('api.example.com.evil.test', ['api.example.com'])).toBe(false);
    expect(hostAllowed('eu.api.example.com', ['*.example.com'])).toBe(true);
    expect(hostAllowed('example.com', ['*.example.com'])).toBe(false);
    expect(hostAllowed('evilexample.com', ['*.example.com'])).toBe(false);
    expect(hostAllowed('[::1]', ['::1'])).toBe(true);
  });
});
