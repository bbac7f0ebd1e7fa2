import type { ErrorCode } from '../../core/errors.js';

/**
 * What the model service said when it refused or failed something: an HTTP error (status and the
 * error body's `code`, `type` and `message`), a Responses stream `error` event (no status), or a
 * failed run's or response's `last_error` / `error`.
 */
export interface ServiceFailure {
  status?: number | undefined;
  code?: string | null | undefined;
  type?: string | null | undefined;
  message?: string | null | undefined;
}

/** How a failure is reported: the error code that picks the user's line, and what an operator must fix. */
export interface FailureClass {
  code: ErrorCode;
  /** For the log only, and only for faults an operator has to fix. */
  operatorHint?: string;
}

/** Codes the service uses when it is out of credit (`insufficient_quota` as code and as type). */
const OUT_OF_CREDIT = new Set(['insufficient_quota', 'billing_hard_limit_reached', 'billing_not_active']);

/** Codes of requests the service refused under its usage policies. */
const REFUSED = new Set([
  'content_policy_violation',
  'content_filter',
  'invalid_prompt',
  'bio_policy',
  'image_content_policy_violation',
]);

/**
 * Sorts a model-service failure into the error code the user's line is chosen by. Configuration
 * faults (a refused key, a forbidden call, a model that does not exist, no credit) carry a hint for
 * the operator; everything the service did not explain stays `model_service_error`.
 */
export function classifyFailure(failure: ServiceFailure): FailureClass {
  const { status } = failure;
  const code = failure.code ?? undefined;
  const type = failure.type ?? undefined;
  const said = `${status ?? 'stream'}${code ? ` ${code}` : ''}`;
  // The Assistants API reports an exhausted quota as a run failed with `rate_limit_exceeded`; only
  // its message tells it from a passing rate limit.
  const quotaMessage = code === 'rate_limit_exceeded' && /quota|billing|credit/i.test(failure.message ?? '');
  if (OUT_OF_CREDIT.has(code ?? '') || OUT_OF_CREDIT.has(type ?? '') || quotaMessage) {
    return {
      code: 'model_service_out_of_credit',
      operatorHint: `the OpenAI account is out of credit or over its quota (${said}): add credit or raise the project's limits`,
    };
  }
  if (status === 401 || code === 'invalid_api_key') {
    return {
      code: 'model_service_misconfigured',
      operatorHint: `the model service refused the API key (${said}): check OPENAI_API_KEY`,
    };
  }
  if (code === 'model_not_found') {
    return {
      code: 'model_service_misconfigured',
      operatorHint: `the model does not exist or this API key may not use it (${said}): check ASSISTANT_MODEL and the profiles' models`,
    };
  }
  if (status === 403) {
    return {
      code: 'model_service_misconfigured',
      operatorHint: `the API key may not do this (${said}): check the key's project, its permissions and its model access`,
    };
  }
  if (status === 429 || code === 'rate_limit_exceeded') return { code: 'model_service_rate_limited' };
  if (code === 'context_length_exceeded') return { code: 'model_service_context_too_long' };
  if (REFUSED.has(code ?? '')) return { code: 'model_service_refused' };
  // A conversation still locked after the retries is a busy conversation, not a bad request; a
  // stream's error event has no status, only the error's type.
  const invalid = status === 400 || (status === undefined && type === 'invalid_request_error');
  if (invalid && code !== 'conversation_locked') return { code: 'model_service_invalid_request' };
  return { code: 'model_service_error' };
}
