import OpenAI, { APIError } from 'openai';
import type { OpenAIConfig } from '../../config/types.js';
import { ModelServiceError } from '../../core/errors.js';

/** The SDK client, pointed at the configured server. The SDK's own retries (429, 5xx) stay on. */
export function createOpenAIClient(config: OpenAIConfig, options: { maxRetries?: number } = {}): OpenAI {
  return new OpenAI({
    apiKey: config.apiKey,
    ...(config.baseURL === undefined ? {} : { baseURL: config.baseURL }),
    maxRetries: options.maxRetries ?? 3,
  });
}

/** Turns the SDK's APIError into ours, keeping status and request id; other errors pass through. */
export function toModelServiceError(error: unknown, what: string): unknown {
  if (error instanceof ModelServiceError || !(error instanceof APIError)) return error;
  return new ModelServiceError(`${what}: ${error.message}`, {
    cause: error,
    status: error.status,
    requestId: error.requestID ?? undefined,
  });
}

/** Runs an SDK call and rethrows its failure as an ModelServiceError naming what was being done. */
export async function callApi<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toModelServiceError(error, what);
  }
}

/** Is this the service saying the thing is not there (404)? */
export function isNotFound(error: unknown): boolean {
  const cause = error instanceof ModelServiceError ? error.cause : error;
  return cause instanceof APIError && cause.status === 404;
}
