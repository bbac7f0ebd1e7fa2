import { z } from 'zod';

/**
 * Building blocks for environment variables. Every value arrives as a string; surrounding whitespace
 * is dropped (a stray newline in a pasted token is a classic start-up failure) and an empty value counts
 * as unset, because `.env` files and compose files routinely carry `NAME=` lines.
 *
 * Messages are the hint part of a problem ("must be ..."); the variable name is added by the caller.
 * They show a value only where it cannot be a secret.
 */
function blankToUndefined(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** An optional string: `undefined` when unset. */
export function optionalText() {
  return z.preprocess(blankToUndefined, z.string().optional());
}

/** A string that must be set; `hint` says where to get one. */
export function requiredText(hint: string) {
  return z.preprocess(blankToUndefined, z.string({ error: `is required: ${hint}` }));
}

/** A string with a default. */
export function textOr(fallback: string) {
  return z.preprocess(blankToUndefined, z.string().default(fallback));
}

/** One of a few words, case-insensitive. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) {
  return z.preprocess(
    (value) => {
      const text = blankToUndefined(value);
      return typeof text === 'string' ? text.toLowerCase() : text;
    },
    z
      .enum(values, {
        error: (issue) => `must be one of ${values.join(', ')} (got "${String(issue.input)}")`,
      })
      .default(fallback),
  );
}

const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off'];

/** A yes/no switch (`true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`), with a default. */
export function flag(fallback: boolean) {
  return optionalText().transform((value, ctx) => {
    if (value === undefined) return fallback;
    const word = value.toLowerCase();
    if (TRUE_WORDS.includes(word)) return true;
    if (FALSE_WORDS.includes(word)) return false;
    ctx.addIssue(`must be true or false (got "${value}")`);
    return z.NEVER;
  });
}

/** `setTimeout` fires at once for delays past 2^31-1 ms, so no duration may exceed it. */
export const MAX_TIMER_MS = 2_147_483_647;

/** A whole number from 1 to `max`, with a default. */
export function positiveInt(fallback: number, max: number = Number.MAX_SAFE_INTEGER) {
  return optionalText().transform((value, ctx) => {
    if (value === undefined) return fallback;
    const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (Number.isSafeInteger(parsed) && parsed >= 1 && parsed <= max) return parsed;
    const range =
      max === Number.MAX_SAFE_INTEGER ? 'a positive whole number' : `a whole number from 1 to ${max}`;
    ctx.addIssue(`must be ${range} (got "${value}"); unset it for the default ${fallback}`);
    return z.NEVER;
  });
}

/**
 * A whole number from 0 (meaning "off") up to `max`, with a default; `zero` says what 0 means, for
 * the message.
 */
export function limit(fallback: number, zero = 'no limit', max: number = Number.MAX_SAFE_INTEGER) {
  return optionalText().transform((value, ctx) => {
    if (value === undefined) return fallback;
    const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (Number.isSafeInteger(parsed) && parsed <= max) return parsed;
    const most = max === Number.MAX_SAFE_INTEGER ? '' : ` (at most ${max})`;
    ctx.addIssue(
      `must be a whole number, 0 for ${zero}${most} (got "${value}"); unset it for the default ${fallback}`,
    );
    return z.NEVER;
  });
}

/** An optional http(s) base URL. The value is never shown: it may carry credentials. */
export function httpUrl(example: string) {
  return optionalText().refine((value) => value === undefined || isHttpUrl(value), {
    error: `must be an http(s) URL, such as ${example}`,
  });
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** A comma-separated list: entries trimmed, empty entries and repeats dropped. */
export function commaList() {
  return optionalText().transform((value) => [
    ...new Set(
      (value ?? '')
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== ''),
    ),
  ]);
}
