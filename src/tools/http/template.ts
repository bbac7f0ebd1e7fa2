import { PLACEHOLDER, placeholdersIn, splitUrl } from '../../config/profiles/placeholders.js';

/**
 * Fills a URL template: every value is URL-encoded (`encodeURIComponent`), so an argument can never
 * add a path segment, a query parameter or a fragment. A query parameter whose placeholder has no
 * value is left out; a placeholder without a value elsewhere is an error.
 * @throws Error naming the missing parameter.
 */
export function fillUrl(template: string, args: Readonly<Record<string, unknown>>): string {
  const { origin, path, query } = splitUrl(template);
  const fill = (text: string) =>
    text.replace(PLACEHOLDER, (_match, name: string) => {
      const value = args[name];
      if (value === undefined || value === null) throw new Error(`parameter "${name}" is required`);
      return encodeURIComponent(scalar(value));
    });
  const pairs = query === '' ? [] : query.slice(1).split('&');
  const kept = pairs.filter((pair) =>
    placeholdersIn(pair).every((name) => args[name] !== undefined && args[name] !== null),
  );
  const filledQuery = kept.length === 0 ? '' : `?${kept.map(fill).join('&')}`;
  return fill(origin) + fill(path) + filledQuery;
}

/**
 * Fills a JSON body template. A string that is exactly one placeholder becomes the argument with its
 * JSON type (number, object...); an object member whose value is such a placeholder without a value is
 * left out; placeholders inside longer strings are replaced by the argument's text.
 */
export function fillBody(template: unknown, args: Readonly<Record<string, unknown>>): unknown {
  if (typeof template === 'string') {
    const whole = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(template);
    if (whole) return args[whole[1] as string] ?? null;
    return template.replace(PLACEHOLDER, (_match, name: string) => {
      const value = args[name];
      return value === undefined || value === null ? '' : scalar(value);
    });
  }
  if (Array.isArray(template)) return template.map((item) => fillBody(item, args));
  if (template !== null && typeof template === 'object') {
    const entries = Object.entries(template).filter(([, value]) => !isMissing(value, args));
    return Object.fromEntries(
      entries.map(([key, value]) => [fillBody(key, args) as string, fillBody(value, args)]),
    );
  }
  return template;
}

function isMissing(value: unknown, args: Readonly<Record<string, unknown>>): boolean {
  if (typeof value !== 'string') return false;
  const whole = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(value);
  return whole !== null && args[whole[1] as string] === undefined;
}

/** Scalars as text; anything else as its JSON. */
function scalar(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
