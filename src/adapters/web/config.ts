import ipaddr from 'ipaddr.js';
import { commaList, flag, oneOf, optionalText } from '../../config/fields.js';
import type { ParsedFields, PlatformSection, SectionProblem } from '../../config/platform-section.js';

/** Who may use the web chat: see docs/web.md. */
export const WEB_AUTH_MODES = ['loopback', 'token', 'proxy'] as const;
export type WebAuthMode = (typeof WEB_AUTH_MODES)[number];

/** How a request's user is known. */
export type WebAuth =
  /** Only requests from this machine (127.0.0.0/8, ::1), with a loopback Host: one user, `local`. */
  | { mode: 'loopback' }
  /** Each user has a token (`WEB_TOKENS=alice:secret,...`); the page trades it for a session cookie. */
  | { mode: 'token'; tokens: ReadonlyMap<string, string> }
  /** A reverse proxy names the user in `header`, honoured only from the `proxies` addresses. */
  | { mode: 'proxy'; header: string; proxies: readonly string[] };

/** The web chat's configuration, from the `WEB_*` variables. */
export interface WebConfig {
  /** Where the page and its API live on the app's server (`/chat`: `/chat/`, `/chat/api/...`). */
  basePath: string;
  auth: WebAuth;
}

declare module '../../config/platform-section.js' {
  interface PlatformConfigs {
    /** Set when `WEB_ENABLED` is true. */
    web: WebConfig | undefined;
  }
}

/** The user of the web chat in loopback mode: the person at this machine. */
export const LOOPBACK_USER = 'local';

/** What a user name may be: it is part of conversation keys (`web:<user>:<conversation>`) and URLs. */
export const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,63}$/;

const FIELDS = {
  WEB_ENABLED: flag(false),
  WEB_BASE_PATH: optionalText(),
  WEB_AUTH: oneOf(WEB_AUTH_MODES, 'loopback'),
  WEB_TOKENS: commaList(),
  WEB_TRUSTED_USER_HEADER: optionalText(),
  WEB_TRUSTED_PROXIES: commaList(),
};

type Fields = ParsedFields<typeof FIELDS>;

/** `/chat` from `chat`, `/chat/` or `/chat`; `/` stays `/`. */
export function normalizeBasePath(raw: string | undefined): string {
  const trimmed = (raw ?? '/chat').replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** `alice:secret` pairs, as a map of token to user. */
function tokensOf(entries: readonly string[]): Map<string, string> {
  const tokens = new Map<string, string>();
  for (const entry of entries) {
    const at = entry.indexOf(':');
    tokens.set(entry.slice(at + 1), entry.slice(0, at));
  }
  return tokens;
}

function problems(env: Fields): SectionProblem[] {
  const found: SectionProblem[] = [];
  const base = normalizeBasePath(env.WEB_BASE_PATH);
  if (base === '/' || !/^(\/[A-Za-z0-9._~-]+)+$/.test(base)) {
    found.push({
      variable: 'WEB_BASE_PATH',
      message: 'must be a path below the root made of letters, digits and . _ ~ - (such as /chat)',
    });
  }
  if (['/healthz', '/readyz', '/metrics', '/slack'].some((p) => base === p || base.startsWith(`${p}/`))) {
    found.push({ variable: 'WEB_BASE_PATH', message: 'must not be one of the app’s own paths' });
  }
  if (!env.WEB_ENABLED) return found;
  if (env.WEB_AUTH === 'token') {
    const bad = env.WEB_TOKENS.filter((entry) => {
      const at = entry.indexOf(':');
      return at < 1 || !USER_NAME.test(entry.slice(0, at)) || entry.length - at - 1 < 16;
    });
    if (env.WEB_TOKENS.length === 0 || bad.length > 0) {
      found.push({
        variable: 'WEB_TOKENS',
        message:
          'is required with WEB_AUTH=token: user:token pairs separated by commas, each user a name of ' +
          'letters, digits and . _ @ + -, each token at least 16 characters',
      });
    }
  }
  if (env.WEB_AUTH === 'proxy') {
    if (!env.WEB_TRUSTED_USER_HEADER || !/^[A-Za-z0-9-]+$/.test(env.WEB_TRUSTED_USER_HEADER)) {
      found.push({
        variable: 'WEB_TRUSTED_USER_HEADER',
        message:
          'is required with WEB_AUTH=proxy: the header your proxy names the user in (X-Forwarded-User)',
      });
    }
    if (env.WEB_TRUSTED_PROXIES.length === 0 || env.WEB_TRUSTED_PROXIES.some((a) => !isAddressRange(a))) {
      found.push({
        variable: 'WEB_TRUSTED_PROXIES',
        message: 'is required with WEB_AUTH=proxy: the proxies’ IP addresses or CIDR ranges, comma-separated',
      });
    }
  }
  return found;
}

/** An IP address or a CIDR range (`10.0.0.0/8`, `::1`). */
export function isAddressRange(text: string): boolean {
  return text.includes('/') ? ipaddr.isValidCIDR(text) : ipaddr.isValid(text);
}

/** The web chat's part of the environment schema. */
export const webSection: PlatformSection<'web'> = {
  name: 'web',
  fields: FIELDS,
  check: (raw) => problems(raw as Fields),
  build: (raw) => {
    const env = raw as Fields;
    if (!env.WEB_ENABLED) return undefined;
    const auth: WebAuth =
      env.WEB_AUTH === 'token'
        ? { mode: 'token', tokens: tokensOf(env.WEB_TOKENS) }
        : env.WEB_AUTH === 'proxy'
          ? {
              mode: 'proxy',
              header: (env.WEB_TRUSTED_USER_HEADER ?? '').toLowerCase(),
              proxies: env.WEB_TRUSTED_PROXIES,
            }
          : { mode: 'loopback' };
    return { basePath: normalizeBasePath(env.WEB_BASE_PATH), auth };
  },
  secrets: (config) => (config.auth.mode === 'token' ? [...config.auth.tokens.keys()] : []),
};
