import OpenAI, { APIConnectionError, APIError } from 'openai';
import type { OpenAIConfig } from '../../config/types.js';
import { CONFIGURATION_FAULTS, ModelServiceError } from '../../core/errors.js';
import { classifyFailure, type ServiceFailure } from './classify-failure.js';

/** The SDK client, pointed at the configured server. The SDK's own retries (429, 5xx) stay on. */
export function createOpenAIClient(config: OpenAIConfig, options: { maxRetries?: number } = {}): OpenAI {
  return new OpenAI({
    apiKey: config.apiKey,
    ...(config.baseURL === undefined ? {} : { baseURL: config.baseURL }),
    maxRetries: options.maxRetries ?? 3,
  });
}

/**
 * A ModelServiceError for what the service said, classified (see `classifyFailure`); `what` names
 * what was being done, for the log.
 */
export function modelServiceFailure(
  what: string,
  failure: ServiceFailure,
  options: { cause?: unknown; requestId?: string | undefined } = {},
): ModelServiceError {
  const { code, operatorHint } = classifyFailure(failure);
  const said = [failure.status, failure.code, failure.message].filter((part) => part != null).join(' ');
  return new ModelServiceError(`${what}: ${said || 'failed'}`, {
    ...options,
    code,
    status: failure.status,
    serviceCode: failure.code ?? undefined,
    operatorHint,
  });
}

/** Failed endings that become errors: the operator's faults, and a conversation grown too long. */
const THROWN_ENDINGS = new Set<string>([...CONFIGURATION_FAULTS, 'model_service_context_too_long']);

/**
 * A failed run or response whose error (`last_error`, `error`) an operator has to fix, or that needs
 * a new conversation, as a ModelServiceError; undefined when the failed ending says it well enough.
 */
export function endingFault(what: string, failure: ServiceFailure): ModelServiceError | undefined {
  const error = modelServiceFailure(what, failure);
  return THROWN_ENDINGS.has(error.code) ? error : undefined;
}

/** Turns the SDK's APIError into ours, keeping status and request id; other errors pass through. */
export function toModelServiceError(error: unknown, what: string): unknown {
  if (error instanceof ModelServiceError || !(error instanceof APIError)) return error;
  if (error instanceof APIConnectionError) {
    return new ModelServiceError(`${what}: ${error.message}`, { cause: error });
  }
  return modelServiceFailure(
    what,
    { status: error.status, code: error.code, type: error.type, message: apiMessage(error) },
    { cause: error, requestId: error.requestID ?? undefined },
  );
}

/** The error body's own message (the SDK's `message` prefixes the status). */
function apiMessage(error: APIError): string | undefined {
  const body = error.error as { message?: unknown } | undefined;
  return typeof body?.message === 'string' ? body.message : error.message;
}

/**
 * Is this an error the service reported inside a stream (an SSE event carrying `error`), as opposed
 * to a stream that broke? The SDK throws an APIError without a status for it.
 */
export function isStreamedServiceError(error: unknown): error is APIError {
  return (
    error instanceof APIError &&
    !(error instanceof APIConnectionError) &&
    error.status === undefined &&
    error.error !== undefined
  );
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
