import { badRequest } from './errors.js';

/** A cursor page as every list endpoint answers it (schemas `List*Response`). */
export interface ListPage<T> {
  object: 'list';
  data: T[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

/**
 * `limit` (1..100, default 20), `order` (`asc` | `desc`, default `desc`), `after` and `before`
 * cursors, as the Assistants list endpoints take them. `items` are oldest first.
 */
export function paginate<T extends { id: string }>(
  items: readonly T[],
  query: Readonly<Record<string, string | string[]>>,
  defaults: { limit?: number; maxLimit?: number } = {},
): ListPage<T> {
  const limit = readLimit(query.limit, defaults.limit ?? 20, defaults.maxLimit ?? 100);
  const order = single(query.order) ?? 'desc';
  if (order !== 'asc' && order !== 'desc') {
    throw badRequest(
      `Invalid value: '${order}'. Supported values are: 'asc' and 'desc'.`,
      'order',
      'invalid_value',
    );
  }
  let ordered = order === 'asc' ? [...items] : [...items].reverse();
  const after = single(query.after);
  if (after !== undefined) {
    const i = ordered.findIndex((item) => item.id === after);
    if (i >= 0) ordered = ordered.slice(i + 1);
  }
  const before = single(query.before);
  if (before !== undefined) {
    const i = ordered.findIndex((item) => item.id === before);
    if (i >= 0) ordered = ordered.slice(0, i);
  }
  const data = ordered.slice(0, limit);
  return {
    object: 'list',
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: ordered.length > data.length,
  };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function readLimit(value: string | string[] | undefined, fallback: number, max: number): number {
  const text = single(value);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n)) {
    throw badRequest(
      `Invalid 'limit': expected an integer, but got '${text}' instead.`,
      'limit',
      'invalid_type',
    );
  }
  if (n < 1) {
    throw badRequest(
      `Invalid 'limit': integer below minimum value. Expected a value >= 1, but got ${n} instead.`,
      'limit',
      'integer_below_min_value',
    );
  }
  if (n > max) {
    throw badRequest(
      `Invalid 'limit': integer above maximum value. Expected a value <= ${max}, but got ${n} instead.`,
      'limit',
      'integer_above_max_value',
    );
  }
  return n;
}
