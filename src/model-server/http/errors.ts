/** The error body every OpenAI endpoint answers with (schema `ErrorResponse`). */
export interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** Thrown by handlers; the server turns it into the real error response. */
export class FakeApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    message: string,
    options: {
      type?: string;
      param?: string | null;
      code?: string | null;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
    this.name = 'FakeApiError';
    this.status = status;
    this.type = options.type ?? 'invalid_request_error';
    this.param = options.param ?? null;
    this.code = options.code ?? null;
    this.headers = options.headers ?? {};
  }

  get body(): ErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** 400 invalid_request_error, the answer to every rule the client breaks. */
export function badRequest(
  message: string,
  param: string | null = null,
  code: string | null = null,
): FakeApiError {
  return new FakeApiError(400, message, { param, code });
}

/** The service's wording for an unknown id, e.g. "No thread found with id 'thread_x'." */
export function notFound(kind: string, id: string): FakeApiError {
  return new FakeApiError(404, `No ${kind} found with id '${id}'.`);
}

/** The body a `failNext` fault sends when the test gives none: what the service sends for that status. */
export function defaultFaultBody(status: number): ErrorBody {
  if (status === 429) {
    return {
      error: {
        message: 'Rate limit reached for requests. Please try again in 1s.',
        type: 'requests',
        param: null,
        code: 'rate_limit_exceeded',
      },
    };
  }
  if (status >= 500) {
    return {
      error: {
        message: 'The server had an error while processing your request. Sorry about that!',
        type: 'server_error',
        param: null,
        code: null,
      },
    };
  }
  return new FakeApiError(status, `Fault injected by the test (HTTP ${status}).`).body;
}
