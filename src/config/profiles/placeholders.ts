/*
 * Placeholders of HTTP tool templates: config checks that each names a parameter; tools/http fills them.
 */

/** `{name}`: a placeholder in an HTTP tool's URL or body template. */
export const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The parameter names a template string uses, in order of appearance. */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => match[1] as string);
}

/** Every placeholder of a JSON body template, in strings and in keys. */
export function placeholdersInBody(body: unknown): string[] {
  if (typeof body === 'string') return placeholdersIn(body);
  if (Array.isArray(body)) return body.flatMap(placeholdersInBody);
  if (body !== null && typeof body === 'object') {
    return Object.entries(body).flatMap(([key, value]) => [
      ...placeholdersIn(key),
      ...placeholdersInBody(value),
    ]);
  }
  return [];
}

/** Where in a URL template the placeholders stand. */
export interface UrlPlaceholders {
  /** In the scheme, host or port: the allowlist decides where such a URL may go. */
  origin: string[];
  path: string[];
  query: string[];
}

/** Splits a URL template's placeholders by the part they stand in. */
export function urlPlaceholders(template: string): UrlPlaceholders {
  const { origin, path, query } = splitUrl(template);
  return { origin: placeholdersIn(origin), path: placeholdersIn(path), query: placeholdersIn(query) };
}

/** `https://host:port` + `/path` + `?query` (the fragment, if any, stays with the path). */
export function splitUrl(template: string): { origin: string; path: string; query: string } {
  const authority = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(template)?.[0] ?? '';
  const rest = template.slice(authority.length);
  const queryAt = rest.indexOf('?');
  return queryAt === -1
    ? { origin: authority, path: rest, query: '' }
    : { origin: authority, path: rest.slice(0, queryAt), query: rest.slice(queryAt) };
}
