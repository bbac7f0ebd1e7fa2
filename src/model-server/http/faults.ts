import type { StreamCut } from './sse.js';

/** A one-shot failure for the next request that matches. */
export interface FaultRule {
  method: string;
  pattern: RegExp;
  /** `fail` answers `status`/`body`/`headers`; `drop` destroys the connection without an answer. */
  action:
    | { kind: 'fail'; status: number; body?: unknown; headers?: Record<string, string> }
    | { kind: 'drop' };
}

/**
 * What streams do: `false` works; `'reject'` answers `stream: true` with 400 unsupported_value (as
 * services without streaming do); a cut drops the stream after N events while the run goes on.
 */
export type StreamFault = false | 'reject' | StreamCut;

/**
 * `/threads/*\/runs` or `/threads/{thread_id}/runs`: `*` and `{name}` match one path segment; a
 * leading `/v1` is ignored; a RegExp is used as given (against the path without `/v1`).
 */
export function pathPattern(pattern: string | RegExp): RegExp {
  if (pattern instanceof RegExp) return pattern;
  const path = pattern.replace(/^\/v1(?=\/)/, '');
  const source = path
    .split('/')
    .map((segment) =>
      segment === '*' || /^\{[^}]+\}$/.test(segment)
        ? '[^/]+'
        : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${source}$`);
}

export class Faults {
  readonly #rules: FaultRule[] = [];
  stream: StreamFault = false;

  add(rule: FaultRule): void {
    this.#rules.push(rule);
  }

  /** Removes and returns the first rule that matches, so each rule fires once. */
  take(method: string, path: string): FaultRule | undefined {
    const i = this.#rules.findIndex((r) => r.method === method.toUpperCase() && r.pattern.test(path));
    if (i < 0) return undefined;
    return this.#rules.splice(i, 1)[0];
  }

  get pending(): number {
    return this.#rules.length;
  }

  clear(): void {
    this.#rules.length = 0;
    this.stream = false;
  }
}
