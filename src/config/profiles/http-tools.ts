import type { Env } from '../types.js';
import type { HttpToolEntry } from './file-schema.js';
import { resolveHeaders } from './headers.js';
import { hostAllowed } from './host-allowed.js';
import { DEFAULT_HTTP_TOOL, type HttpToolSpec, httpToolParameters } from './http-tool-spec.js';
import { placeholdersInBody, urlPlaceholders } from './placeholders.js';
import type { FilePath, Problems } from './problems.js';

/**
 * Checks one `http_tools` entry beyond its shape and resolves it: the parameters are a JSON schema
 * zod can validate with; every placeholder names a parameter (and one in the path a required one);
 * the URL is http(s) without credentials or fragment; the host is allowed (by default `allowed_hosts`
 * is the URL's own host; a placeholder in the host needs an explicit list); headers come from `env`.
 * @returns the spec, or undefined when it has problems (added to `problems`).
 */
export function resolveHttpTool(
  entry: HttpToolEntry,
  path: FilePath,
  env: Env,
  problems: Problems,
): HttpToolSpec | undefined {
  const before = problems.list.length;
  const at = (...rest: PropertyKey[]) => [...path, ...rest];
  try {
    httpToolParameters(entry.parameters);
  } catch (error) {
    problems.add(at('parameters'), error instanceof Error ? error.message : String(error));
  }
  const properties = entry.parameters.properties;
  const declared = new Set(
    properties !== null && typeof properties === 'object' ? Object.keys(properties) : [],
  );
  const required = new Set(Array.isArray(entry.parameters.required) ? entry.parameters.required : []);
  const used = urlPlaceholders(entry.url);
  for (const name of [...used.origin, ...used.path, ...used.query]) {
    if (!declared.has(name)) problems.add(at('url'), `{${name}} is not one of the parameters`);
  }
  for (const name of used.path) {
    if (declared.has(name) && !required.has(name)) {
      problems.add(at('url'), `{${name}} stands in the path, so the parameter must be required`);
    }
  }
  for (const name of entry.body === undefined ? [] : placeholdersInBody(entry.body)) {
    if (!declared.has(name)) problems.add(at('body'), `{${name}} is not one of the parameters`);
  }
  if (entry.body !== undefined && entry.method === 'GET') {
    problems.add(at('body'), 'a GET request carries no body; use POST, PUT or PATCH');
  }
  const allowedHosts = checkUrl(entry, used.origin.length > 0, at, problems);
  const headers = resolveHeaders(entry.headers, env, at('headers'), problems);
  if (problems.list.length > before || allowedHosts === undefined) return undefined;
  return {
    name: entry.name,
    description: entry.description,
    parameters: entry.parameters,
    method: entry.method,
    url: entry.url,
    headers,
    body: entry.body,
    timeoutMs: entry.timeout_ms ?? DEFAULT_HTTP_TOOL.timeoutMs,
    maxResponseBytes: entry.max_response_bytes ?? DEFAULT_HTTP_TOOL.maxResponseBytes,
    allowedHosts,
    allowPrivateAddresses: entry.allow_private_addresses,
    requireApproval: entry.require_approval,
  };
}

/** The allowed hosts, or undefined after adding the URL's problems. */
function checkUrl(
  entry: HttpToolEntry,
  hostIsTemplated: boolean,
  at: (...rest: PropertyKey[]) => FilePath,
  problems: Problems,
): readonly string[] | undefined {
  let url: URL;
  try {
    // Any value will do to see the URL's shape; a templated host gets one that parses.
    url = new URL(entry.url.replace(/\{[A-Za-z_][A-Za-z0-9_]*\}/g, 'x'));
  } catch {
    problems.add(at('url'), 'is not a URL (write https://host/path/{parameter})');
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.add(at('url'), 'must be an http or https URL');
  }
  if (url.username !== '' || url.password !== '') {
    problems.add(at('url'), 'must not carry credentials; send them in headers from the environment');
  }
  if (url.hash !== '') problems.add(at('url'), 'must not have a fragment (#...)');
  if (entry.allowed_hosts === undefined) {
    if (!hostIsTemplated) return [url.hostname];
    problems.add(at('allowed_hosts'), 'is required when the URL has a placeholder in its host');
    return undefined;
  }
  if (!hostIsTemplated && !hostAllowed(url.hostname, entry.allowed_hosts)) {
    problems.add(at('allowed_hosts'), `does not allow the URL's own host ${url.hostname}`);
  }
  return entry.allowed_hosts;
}
