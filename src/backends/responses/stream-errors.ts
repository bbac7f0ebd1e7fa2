import type { Response } from 'openai/resources/responses/responses';
import type { ServiceFailure } from '../shared/classify-failure.js';
import { modelServiceFailure } from '../shared/openai-client.js';

/** What one read of a stream got: see `consume`. */
export interface Consumed {
  final?: Response;
  streamError?: ServiceFailure | undefined;
}

/**
 * A response that failed after the stream reported an error: the error event's code (say,
 * `insufficient_quota`) says more than the response's own (`server_error`), so it is thrown.
 */
export function settle(final: Response, streamError: ServiceFailure | undefined): Response {
  if (streamError && final.status === 'failed') {
    const failure = modelServiceFailure('response', streamError);
    if (failure.code !== 'model_service_error') throw failure;
  }
  return final;
}
