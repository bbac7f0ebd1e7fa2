import type { DiscordHttpError } from './errors.js';

/** A file of a multipart request (`files[n]`). */
export interface UploadedFile {
  field: string;
  name: string;
  contentType: string;
  bytes: Uint8Array;
}

/** What a route handler gets. */
export interface RouteRequest {
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  /** The JSON body, or a multipart request's `payload_json`; undefined without a body. */
  json: unknown;
  files: readonly UploadedFile[];
}

/** A handler's answer: status and JSON body (none for 204). */
export interface RouteResponse {
  status: number;
  body?: unknown;
}

/** One REST operation the fake serves. */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The path as the OpenAPI document writes it, under /api/v10: `/channels/{channel_id}/messages`. */
  route: string;
  /** Interaction callbacks and webhooks are authorised by their token in the path, not by the bot token. */
  auth?: boolean;
  /** Interaction endpoints do not count against the bot's global rate limit. */
  global?: boolean;
  /** The major parameter that, with the route, makes a rate-limit bucket. */
  major?: string;
  /** Throws DiscordHttpError for Discord's error answers. */
  handle(request: RouteRequest): RouteResponse | Promise<RouteResponse>;
}

/** Re-exported for route modules, which throw it. */
export type { DiscordHttpError };

interface Compiled {
  route: Route;
  pattern: RegExp;
  names: string[];
}

/** Finds the route for a method and path; routes are tried in the order they were added. */
export class Router {
  private readonly compiled: Compiled[] = [];

  add(...routes: Route[]): void {
    for (const route of routes) {
      const names: string[] = [];
      const source = route.route
        .split(/(\{[a-z_]+\})/)
        .map((part) => {
          const name = /^\{([a-z_]+)\}$/.exec(part)?.[1];
          if (name === undefined) return part.replace(/[.*+?^${}()|[\]\\@]/g, '\\$&');
          names.push(name);
          return '([^/]+)';
        })
        .join('');
      this.compiled.push({ route, pattern: new RegExp(`^${source}$`), names });
    }
  }

  /** Every route, for the spec check. */
  get routes(): readonly Route[] {
    return this.compiled.map((c) => c.route);
  }

  /** The route and its decoded parameters; `allowed` lists the methods of a path that matched otherwise. */
  match(
    method: string,
    path: string,
  ): { route: Route; params: Record<string, string> } | { route: undefined; allowed: string[] } {
    const allowed: string[] = [];
    for (const { route, pattern, names } of this.compiled) {
      const found = pattern.exec(path);
      if (!found) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      names.forEach((name, i) => {
        params[name] = decodeURIComponent(found[i + 1] ?? '');
      });
      return { route, params };
    }
    return { route: undefined, allowed };
  }
}
