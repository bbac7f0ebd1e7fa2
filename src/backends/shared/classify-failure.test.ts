import { describe, expect, it } from 'vitest';
import { classifyFailure } from './classify-failure.js';

describe('classifyFailure', () => {
  it('takes a refused key, a forbidden call and a missing model for the operator’s faults, with what to fix', () => {
    const key = classifyFailure({ status: 401, code: 'invalid_api_key', type: 'invalid_request_error' });
    expect(key).toEqual({
      code: 'model_service_misconfigured',
      operatorHint: expect.stringMatching(/OPENAI_API_KEY/),
    });
    expect(classifyFailure({ status: 403, code: 'unsupported_country_region_territory' }).code).toBe(
      'model_service_misconfigured',
    );
    const model = classifyFailure({ status: 404, code: 'model_not_found' });
    expect(model.operatorHint).toMatch(/ASSISTANT_MODEL/);
    expect(classifyFailure({ status: 400, code: 'model_not_found' }).code).toBe(
      'model_service_misconfigured',
    );
  });

  it('tells an exhausted quota from a passing rate limit, in either API’s words', () => {
    expect(
      classifyFailure({ status: 429, code: 'insufficient_quota', type: 'insufficient_quota' }).code,
    ).toBe('model_service_out_of_credit');
    // A Responses stream's error event has no status.
    expect(
      classifyFailure({ code: 'insufficient_quota', message: 'You exceeded your current quota' }).code,
    ).toBe('model_service_out_of_credit');
    // The Assistants API's last_error for the same thing.
    const run = {
      code: 'rate_limit_exceeded',
      message: 'You exceeded your current quota, please check your plan and billing details.',
    };
    expect(classifyFailure(run).code).toBe('model_service_out_of_credit');
    expect(
      classifyFailure({ status: 429, code: 'rate_limit_exceeded', message: 'Rate limit reached' }),
    ).toEqual({
      code: 'model_service_rate_limited',
    });
  });

  it('names a conversation grown too long, a refusal and an invalid request, with no hint for the operator', () => {
    expect(classifyFailure({ status: 400, code: 'context_length_exceeded' })).toEqual({
      code: 'model_service_context_too_long',
    });
    expect(classifyFailure({ code: 'invalid_prompt' }).code).toBe('model_service_refused');
    expect(classifyFailure({ status: 400, code: 'invalid_value' }).code).toBe(
      'model_service_invalid_request',
    );
    expect(classifyFailure({ type: 'invalid_request_error', code: null }).code).toBe(
      'model_service_invalid_request',
    );
  });

  it('leaves what the service did not explain as a passing error: a 500, a lost thread, a locked conversation', () => {
    expect(classifyFailure({ status: 500 }).code).toBe('model_service_error');
    expect(classifyFailure({ status: 404, type: 'invalid_request_error' }).code).toBe('model_service_error');
    expect(classifyFailure({ status: 400, code: 'conversation_locked' }).code).toBe('model_service_error');
    expect(classifyFailure({ code: 'server_error' }).code).toBe('model_service_error');
  });
});
