import { type ErrorCode, isConfigurationFault, ModelServiceError } from './errors.js';
import type { Logger } from './logger.js';

/** A configuration fault the model service answered with, as the operator needs to hear it. */
export interface ModelServiceFault {
  code: ErrorCode;
  /** What to fix, e.g. "the model service refused the API key (401 invalid_api_key): check OPENAI_API_KEY". */
  hint: string;
  /** When it was last seen (epoch ms). */
  at: number;
}

export interface ModelServiceHealthOptions {
  logger: Logger;
  /** Every model-service error, by code (the metric). */
  onError?: (code: ErrorCode) => void;
  now?: () => number;
}

/**
 * Whether the model service can answer at all, as far as its last answers tell: a configuration
 * fault (a refused key, a forbidden call, a missing model, no credit) makes it not ready until a run
 * ends normally again. Passing failures (a 500, a rate limit) leave it ready: they are nobody's to
 * fix. Ready until told otherwise, since nothing is known before the first call.
 */
export class ModelServiceHealth {
  readonly #options: ModelServiceHealthOptions;
  #fault: ModelServiceFault | undefined;

  constructor(options: ModelServiceHealthOptions) {
    this.#options = options;
  }

  /** For `/readyz`: false while the last word from the service was a configuration fault. */
  ready(): boolean {
    return this.#fault === undefined;
  }

  /** The configuration fault in force, if any. */
  get fault(): ModelServiceFault | undefined {
    return this.#fault;
  }

  /** A call to the model service failed with `error` (anything else thrown is not the service's). */
  failed(error: unknown): void {
    if (!(error instanceof ModelServiceError)) return;
    this.#options.onError?.(error.code);
    if (!isConfigurationFault(error.code)) return;
    const hint = error.operatorHint ?? error.message;
    this.#fault = { code: error.code, hint, at: (this.#options.now ?? Date.now)() };
    this.#options.logger.error(
      { code: error.code, status: error.status, serviceCode: error.serviceCode, requestId: error.requestId },
      `model service: ${hint}; every answer fails until this is fixed`,
    );
  }

  /** A run ended normally: whatever was wrong has been put right. */
  answered(): void {
    if (!this.#fault) return;
    this.#options.logger.info({ code: this.#fault.code }, 'model service: answering again');
    this.#fault = undefined;
  }
}
