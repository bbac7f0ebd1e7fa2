/**
 * One error family for the whole bot. Every error carries a string-literal `code`, which the error
 * sink uses to choose what to tell the user; `message` is for logs only and never reaches a chat.
 */
export type ErrorCode =
  | 'config_invalid'
  | 'store_unavailable'
  | 'message_not_taken'
  | 'model_service_error'
  | 'model_service_rate_limited'
  /** The operator's to fix: the API key was refused (401), may not do this (403), or the model does not exist. */
  | 'model_service_misconfigured'
  /** The operator's to fix: the account is out of credit or over its quota. */
  | 'model_service_out_of_credit'
  | 'model_service_context_too_long'
  | 'model_service_refused'
  | 'model_service_invalid_request'
  | 'run_failed'
  | 'run_timeout'
  | 'queue_full'
  | 'attachment_rejected'
  | 'platform_error'
  | 'internal';

/** Base class: a code for routing, a cause for the log. */
export class ThreadloomError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** One problem with one environment variable. */
export interface ConfigProblem {
  variable: string;
  problem: string;
}

/**
 * Start-up configuration is wrong; lists every problem by variable name (or by path in a
 * configuration file, which `source` names), never a value.
 */
export class ConfigError extends ThreadloomError {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[], options: { source?: string } = {}) {
    super(
      'config_invalid',
      `Invalid configuration${options.source ? ` in ${options.source}` : ''}:\n${problems.map((p) => `  - ${p.variable}: ${p.problem}`).join('\n')}`,
    );
    this.problems = problems;
  }
}

/** The store (SQLite file or Redis) could not be read or written. */
export class StoreError extends ThreadloomError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('store_unavailable', message, options);
  }
}

/**
 * A call to the model service failed; keeps the HTTP status and request id of the SDK's APIError,
 * the service's own error code (`serviceCode`, e.g. `invalid_api_key`, `insufficient_quota`) and,
 * for faults an operator has to fix, what to fix (`operatorHint`, for the log only).
 */
export class ModelServiceError extends ThreadloomError {
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly serviceCode: string | undefined;
  readonly operatorHint: string | undefined;

  constructor(
    message: string,
    options: {
      cause?: unknown;
      status?: number | undefined;
      requestId?: string | undefined;
      code?: ErrorCode;
      serviceCode?: string | undefined;
      operatorHint?: string | undefined;
    } = {},
  ) {
    super(
      options.code ?? (options.status === 429 ? 'model_service_rate_limited' : 'model_service_error'),
      message,
      {
        cause: options.cause,
      },
    );
    this.status = options.status;
    this.requestId = options.requestId;
    this.serviceCode = options.serviceCode;
    this.operatorHint = options.operatorHint;
  }
}

/** Model-service failures that no user can fix and every answer meets until an operator does. */
export const CONFIGURATION_FAULTS = [
  'model_service_misconfigured',
  'model_service_out_of_credit',
] as const satisfies readonly ErrorCode[];

/** Is this error code one of the `CONFIGURATION_FAULTS`? */
export function isConfigurationFault(code: string): boolean {
  return (CONFIGURATION_FAULTS as readonly string[]).includes(code);
}

/** A chat platform refused or failed a call. */
export class PlatformError extends ThreadloomError {
  readonly platform: string;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    platform: string,
    message: string,
    options: { cause?: unknown; status?: number; retryAfterMs?: number } = {},
  ) {
    super('platform_error', message, { cause: options.cause });
    this.platform = platform;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** A user's attachment was refused (too big, wrong type, wrong host); the message says which, for the user. */
export class AttachmentError extends ThreadloomError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('attachment_rejected', message, options);
  }
}

/** Short, user-facing text per error code: the only error text that ever reaches a chat. */
export const USER_MESSAGES = {
  config_invalid: 'The bot is misconfigured. An operator has been told.',
  store_unavailable: 'I could not reach my memory store. Please try again in a moment.',
  message_not_taken: "I can't take messages right now; please send it again in a minute.",
  model_service_error: 'The assistant service returned an error. Please try again.',
  model_service_rate_limited: 'The assistant service is busy right now. Please try again in a minute.',
  model_service_misconfigured:
    'The assistant is misconfigured and cannot answer right now. An operator has been told.',
  model_service_out_of_credit:
    'The assistant is out of credit and cannot answer right now. An operator has been told.',
  model_service_context_too_long:
    'This conversation has grown too long for the model. Please start a new one with reset.',
  model_service_refused: 'The assistant service refused this request under its content policy.',
  model_service_invalid_request:
    'The assistant service could not accept this request. Please rephrase it or leave out attachments.',
  run_failed: 'The assistant could not finish this answer.',
  run_timeout: 'The answer took too long and was stopped.',
  queue_full: 'Too many messages are waiting in this conversation. Please wait for the current answer.',
  attachment_rejected: 'An attachment could not be used.',
  platform_error: 'Something went wrong while posting the answer.',
  internal: 'Something went wrong on my side. Please try again.',
} as const satisfies Record<ErrorCode, string>;

/** The code of any thrown value: our own errors keep theirs, anything else is `internal`. */
export function errorCode(error: unknown): ErrorCode {
  return error instanceof ThreadloomError ? error.code : 'internal';
}
