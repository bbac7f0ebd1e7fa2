import {
  DEFAULT_HTTP_TOOL,
  type HttpToolSpec,
  httpToolParameters,
} from '../../config/profiles/http-tool-spec.js';
import type { FunctionTool } from '../tool.js';
import type { Resolver } from './address-guard.js';
import { guardedRequest } from './guarded-request.js';
import { fillBody, fillUrl } from './template.js';

/** A function tool made from an HTTP tool declaration; `requireApproval` is for the approval flow. */
export interface HttpTool extends FunctionTool {
  readonly requireApproval: boolean;
  readonly spec: HttpToolSpec;
}

/** What tests may replace. */
export interface HttpToolOptions {
  resolve?: Resolver;
}

/**
 * Turns a declaration into a function tool the registry runs: arguments validated against its JSON
 * schema (by the registry), filled into the URL and body templates, sent through the guards of
 * `guardedRequest`. A non-2xx answer, a refused request or a timeout is thrown, and so becomes an
 * error output for the model; a body cut at `maxResponseBytes` ends with a note saying so.
 */
export function createHttpTool(spec: HttpToolSpec, options: HttpToolOptions = {}): HttpTool {
  return {
    name: spec.name,
    description: spec.description,
    parameters: httpToolParameters(spec.parameters),
    requireApproval: spec.requireApproval,
    spec,
    async execute(args, { signal }) {
      const values = args as Record<string, unknown>;
      const timeout = AbortSignal.timeout(spec.timeoutMs);
      try {
        const response = await guardedRequest(
          {
            method: spec.method,
            url: fillUrl(spec.url, values),
            headers: spec.headers,
            body: spec.body === undefined ? undefined : JSON.stringify(fillBody(spec.body, values)),
          },
          {
            allowedHosts: spec.allowedHosts,
            allowPrivateAddresses: spec.allowPrivateAddresses,
            maxResponseBytes: spec.maxResponseBytes,
            maxRedirects: DEFAULT_HTTP_TOOL.maxRedirects,
            signal: AbortSignal.any([signal, timeout]),
            ...(options.resolve ? { resolve: options.resolve } : {}),
          },
        );
        const text = response.truncated
          ? `${response.text}\n[truncated: the response was longer than ${spec.maxResponseBytes} bytes]`
          : response.text;
        if (response.status < 200 || response.status > 299) {
          throw new Error(`HTTP ${response.status} ${response.statusText}${text ? `: ${text}` : ''}`);
        }
        return text === '' ? `HTTP ${response.status} ${response.statusText} (no content)` : text;
      } catch (error) {
        if (timeout.aborted) throw new Error(`no complete answer within ${spec.timeoutMs} ms`);
        throw error;
      }
    },
  };
}
