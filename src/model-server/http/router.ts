import type { IncomingHttpHeaders } from 'node:http';
import type { MultipartField, RecordedRequest } from './recorder.js';
import type { SseWriter } from './sse.js';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface RouteContext {
  params: Readonly<Record<string, string>>;
  query: Readonly<Record<string, string | string[]>>;
  /** The JSON body; `{}` when there was none. */
  json: Record<string, unknown>;
  multipart: ReadonlyMap<string, MultipartField>;
  headers: IncomingHttpHeaders;
  request: RecordedRequest;
}

export type RouteResult =
  | { kind: 'json'; body: unknown; schema: string; headers?: Record<string, string> }
  | { kind: 'bytes'; body: Uint8Array; contentType: string }
  /** A streamed answer: `start` is called with the response already open. */
  | {
      kind: 'sse';
      start: (writer: SseWriter) => void;
      headers?: Record<string, string>;
      /**
       * `assistants` (default): `{ event, data }` records of schema `AssistantStreamEvent`;
       * `responses`: the data is the event (`{ type, sequence_number, ... }`, `ResponseStreamEvent`).
       */
      events?: 'assistants' | 'responses';
      /** The `data` of the `error` event a stream cut with `how: 'error'` sends. */
      cutError?: () => unknown;
    };

export interface Route {
  method: HttpMethod;
  /** As in the spec: `/threads/{thread_id}/runs`. */
  path: string;
  /** The spec's operationId. */
  operation: string;
  /** The schema the request body must follow. */
  requestSchema?: string;
  /** The `OpenAI-Beta` value the service requires (the Assistants API's `assistants=v2`). */
  beta?: string;
  handle(context: RouteContext): RouteResult | Promise<RouteResult>;
}

interface CompiledRoute {
  route: Route;
  segments: readonly string[];
}

/** Matches paths segment by segment; `{name}` segments capture. */
export class Router {
  readonly #routes: CompiledRoute[] = [];

  add(...routes: Route[]): void {
    for (const route of routes) this.#routes.push({ route, segments: route.path.split('/') });
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    const parts = path.split('/');
    for (const { route, segments } of this.#routes) {
      if (route.method !== method || segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const ok = segments.every((segment, i) => {
        const part = parts[i] ?? '';
        if (segment.startsWith('{') && segment.endsWith('}')) {
          params[segment.slice(1, -1)] = decodeURIComponent(part);
          return part.length > 0;
        }
        return segment === part;
      });
      if (ok) return { route, params };
    }
    return undefined;
  }
}

/** `include[]=a&include[]=b` becomes `{ include: ['a', 'b'] }`, as the SDK writes arrays. */
export function parseQuery(search: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [rawKey, value] of search) {
    const isArray = rawKey.endsWith('[]');
    const key = isArray ? rawKey.slice(0, -2) : rawKey;
    const existing = query[key];
    if (existing === undefined) query[key] = isArray ? [value] : value;
    else query[key] = [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return query;
}
