import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ModelServiceError } from './errors.js';
import { createLogger } from './logger.js';
import { ModelServiceHealth } from './model-service-health.js';

function setup() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const counted: string[] = [];
  const health = new ModelServiceHealth({
    logger: createLogger('info', sink),
    onError: (code) => counted.push(code),
  });
  return { health, lines, counted };
}

const badKey = () =>
  new ModelServiceError('create conversation: 401 Incorrect API key provided', {
    status: 401,
    code: 'model_service_misconfigured',
    serviceCode: 'invalid_api_key',
    operatorHint: 'the model service refused the API key (401 invalid_api_key): check OPENAI_API_KEY',
  });

describe('ModelServiceHealth', () => {
  it('is not ready after a configuration fault, says which in the log, and is ready again after a normal run', () => {
    const { health, lines, counted } = setup();
    expect(health.ready()).toBe(true);
    health.failed(badKey());
    expect(health.ready()).toBe(false);
    expect(health.fault?.code).toBe('model_service_misconfigured');
    expect(counted).toEqual(['model_service_misconfigured']);
    expect(lines.at(-1)).toMatchObject({
      level: 50,
      code: 'model_service_misconfigured',
      serviceCode: 'invalid_api_key',
      msg: expect.stringMatching(/refused the API key .*check OPENAI_API_KEY/),
    });
    health.answered();
    expect(health.ready()).toBe(true);
    expect(lines.at(-1)).toMatchObject({ msg: 'model service: answering again' });
  });

  it('counts passing failures without going unready, and ignores what is not the service’s', () => {
    const { health, counted } = setup();
    health.failed(new ModelServiceError('500', { status: 500 }));
    health.failed(new Error('a bug of ours'));
    expect(health.ready()).toBe(true);
    expect(counted).toEqual(['model_service_error']);
  });
});
