import type { Env } from '../types.js';
import type { HeaderEntries } from './file-schema.js';
import type { FilePath, Problems } from './problems.js';

/** How a header value refers to an environment variable, as users write it. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: this is the file's syntax, not a template
const REF_SYNTAX = '${env:NAME}';

/** `${env:NAME}` inside a header value. */
const ENV_REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Headers whose values are credentials by name: they must come from the environment. */
const SECRET_HEADER =
  /^(authorization|proxy-authorization|cookie)$|token|secret|key|pass|auth|signature|session|credential/i;

/**
 * Header values with their environment references filled in: `{ env: NAME }` is the variable's value,
 * and `${env:NAME}` inside text is replaced by it (`Bearer ${env:ORDERS_TOKEN}`). A variable that is
 * unset or empty is a problem, and so is a literal value for a header that carries credentials
 * (Authorization, Cookie, anything named like a token, key or secret): the file never holds secrets.
 * Problems name the header, never a value.
 */
export function resolveHeaders(
  entries: HeaderEntries,
  env: Env,
  path: FilePath,
  problems: Problems,
): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const [name, value] of Object.entries(entries)) {
    const at = [...path, name];
    const lookup = (variable: string): string | undefined => {
      const found = env[variable]?.trim();
      if (found) return found;
      problems.add(at, `environment variable ${variable} is not set`);
      return undefined;
    };
    if (typeof value === 'object') {
      const found = lookup(value.env);
      if (found !== undefined) resolved[name] = found;
      continue;
    }
    const names = [...value.matchAll(ENV_REF)].map((match) => match[1] as string);
    if (value.replace(ENV_REF, '').includes('${')) {
      problems.add(at, `refers to the environment as ${REF_SYNTAX} (or write { env: NAME } as the value)`);
      continue;
    }
    if (names.length === 0 && SECRET_HEADER.test(name)) {
      problems.add(
        at,
        'carries credentials, so its value must come from the environment: ' +
          `write "${REF_SYNTAX}" (e.g. "Bearer ${REF_SYNTAX}") or { env: NAME }, never the secret itself`,
      );
      continue;
    }
    let missing = false;
    const filled = value.replace(ENV_REF, (_match, variable: string) => {
      const found = lookup(variable);
      if (found === undefined) missing = true;
      return found ?? '';
    });
    if (!missing) resolved[name] = filled;
  }
  return resolved;
}
