import { z } from 'zod';

/** The HTTP methods an HTTP tool may use. */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Defaults of an HTTP tool's limits. */
export const DEFAULT_HTTP_TOOL = {
  method: 'GET',
  timeoutMs: 10_000,
  /** The registry cuts outputs at 16,384 characters anyway; more bytes would only be thrown away. */
  maxResponseBytes: 16_384,
  /** Redirects followed per call, all to the same host. */
  maxRedirects: 5,
} as const satisfies {
  method: HttpMethod;
  timeoutMs: number;
  maxResponseBytes: number;
  maxRedirects: number;
};

/**
 * A declarative HTTP tool, validated and with its headers resolved from the environment (see
 * `src/config/profiles`). Placeholders `{name}` in `url` and `body` name properties of `parameters`.
 */
export interface HttpToolSpec {
  name: string;
  description: string;
  /** JSON schema of the arguments: an object schema; unknown properties are always refused. */
  parameters: Record<string, unknown>;
  method: HttpMethod;
  /** URL template: `https://api.example.com/orders/{order_id}?expand={expand}`. */
  url: string;
  /** Header values as sent: already resolved from the environment. */
  headers: Readonly<Record<string, string>>;
  /** JSON body template; `undefined` sends no body. */
  body: unknown;
  timeoutMs: number;
  maxResponseBytes: number;
  /** Host names (`api.example.com`, or `*.example.com` for its subdomains) requests may go to. */
  allowedHosts: readonly string[];
  /** Allows loopback, private, link-local and other non-public addresses (tests, internal services). */
  allowPrivateAddresses: boolean;
  /** Calls need a person's approval first (carried for the approval flow; not enforced here). */
  requireApproval: boolean;
}

/**
 * The zod validator of an HTTP tool's JSON-schema parameters: the schema as written, closed so that
 * unknown arguments are refused rather than dropped.
 * @throws Error when the schema is not an object schema or uses what zod cannot convert ($ref to
 *   nowhere, unknown keywords' combinations): configuration reports it by path.
 */
export function httpToolParameters(schema: Readonly<Record<string, unknown>>): z.ZodType {
  if (schema.type !== 'object') throw new Error('must be a JSON schema with "type": "object"');
  return z.fromJSONSchema({ ...schema, additionalProperties: false });
}
