import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrubSecrets } from './logger.js';

/** A logger writing into a string. */
function capture(secrets: readonly string[]) {
  let written = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      written += chunk.toString('utf8');
      callback();
    },
  });
  return { logger: createLogger('trace', stream, { secrets }), output: () => written };
}

describe('createLogger', () => {
  it('blanks secret values wherever they appear: messages, errors and their causes, children', () => {
    const key = 'sk-proj-VERYsecretKEY123';
    const { logger, output } = capture([key]);
    const cause = new Error(`401 Incorrect API key provided: ${key}.`);
    logger.error({ err: new Error('turn failed', { cause }) }, `calling with ${key}`);
    logger.child({ platform: 'slack' }).warn({ url: `https://x/?key=${key}` }, 'child line');
    expect(output()).not.toContain('VERYsecretKEY');
    expect(output()).toContain('Incorrect API key provided: [redacted].');
    expect(output().trim().split('\n')).toHaveLength(2);
  });

  it('still blanks tokens by path', () => {
    const { logger, output } = capture([]);
    logger.info({ token: 'some-token-value', headers: { authorization: 'Bot abc' } }, 'request');
    expect(output()).not.toContain('some-token-value');
    expect(output()).not.toContain('Bot abc');
  });

  it('leaves short placeholder keys alone instead of blanking every letter', () => {
    const { logger, output } = capture(['x']);
    logger.info('next example');
    expect(output()).toContain('next example');
  });
});

describe('scrubSecrets', () => {
  it('replaces every occurrence of every secret', () => {
    expect(scrubSecrets('a-secret-1 and a-secret-1, a-secret-2', ['a-secret-1', 'a-secret-2'])).toBe(
      '[redacted] and [redacted], [redacted]',
    );
  });
});
