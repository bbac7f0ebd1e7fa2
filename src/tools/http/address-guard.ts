import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Global unicast IPv6 (RFC 4291): everything outside it is unallocated or special. */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/**
 * Whether an address is public: globally routable unicast. Loopback, private (RFC 1918, unique local),
 * link-local (cloud metadata lives at 169.254.169.254), carrier-grade NAT, unspecified, multicast,
 * reserved and documentation ranges are not; nor are IPv6 forms that carry an IPv4 address (mapped
 * `::ffff:127.0.0.1`, NAT64, 6to4, Teredo), since they may lead back to one that is not public.
 * ipaddr.js keeps these IANA special-purpose ranges; an unparsable address counts as not public.
 */
export function isPublicAddress(address: string): boolean {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // process() turns IPv4-mapped IPv6 (`::ffff:7f00:1`) into the IPv4 address it carries.
    parsed = ipaddr.process(address);
  } catch {
    return false;
  }
  if (parsed.range() !== 'unicast') return false;
  return parsed.kind() === 'ipv4' || parsed.match(GLOBAL_UNICAST_V6);
}

/** An address `net.connect` may be pinned to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves host names; tests may inject one. */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** The system resolver (`getaddrinfo`, so `/etc/hosts` counts), every address it gives. */
export const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

/**
 * The addresses a request to `hostname` may connect to. Every address the name resolves to is checked,
 * so that a name with one public and one private address cannot be used to reach the private one.
 * @throws Error when the name does not resolve, or (unless `allowPrivate`) any address is not public.
 */
export async function resolveAllowed(
  hostname: string,
  allowPrivate: boolean,
  resolve: Resolver = systemResolver,
): Promise<ResolvedAddress[]> {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  const literal = isIP(bare);
  const addresses =
    literal === 0 ? [...(await resolve(bare))] : [{ address: bare, family: literal as 4 | 6 }];
  if (addresses.length === 0) throw new Error(`${bare} does not resolve to any address`);
  if (!allowPrivate) {
    const refused = addresses.filter(({ address }) => !isPublicAddress(address));
    if (refused.length > 0) {
      throw new Error(
        `${bare} resolves to a non-public address (${refused.map((a) => a.address).join(', ')}); ` +
          'requests to loopback, private and link-local addresses are not allowed for this tool',
      );
    }
  }
  return addresses;
}
