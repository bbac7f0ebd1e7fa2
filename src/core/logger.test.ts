import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createLogger, scrubSecrets } from './logger.js';

/** A logger writing into a string; `isTTY` makes the string stand for a terminal. */
function capture(secrets: readonly string[], options: { isTTY?: boolean } = {}) {
  let written = '';
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        written += chunk.toString('utf8');
        callback();
      },
    }),
    options.isTTY ? { isTTY: true } : {},
  );
  return { logger: createLogger('trace', stream, { secrets }), output: () => written };
}

/** Colour codes removed: whether a terminal gets colours is the pretty printer's business. */
const plain = (text: string) => stripVTControlCharacters(text);

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

  it('writes one JSON object a line when the destination is not a terminal', () => {
    const { logger, output } = capture([]);
    logger.warn({ conversation: 'console:default' }, 'the model stream broke');
    const lines = output().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      level: 40,
      conversation: 'console:default',
      msg: 'the model stream broke',
    });
  });

  it('writes readable lines to a terminal: time, level, message, then the fields', () => {
    const { logger, output } = capture([], { isTTY: true });
    logger.warn({ conversation: 'console:default' }, 'the model stream broke');
    expect(plain(output())).toMatch(
      /^\[\d\d:\d\d:\d\d\] WARN: the model stream broke \{"conversation":"console:default"\}\n$/,
    );
  });

  it('blanks secrets and token paths in the readable lines too', () => {
    const key = 'sk-proj-VERYsecretKEY123';
    const { logger, output } = capture([key], { isTTY: true });
    logger.error(
      { err: new Error(`401 Incorrect API key provided: ${key}.`), token: 'tok-123456' },
      'failed',
    );
    expect(plain(output())).toContain('ERROR: failed');
    expect(output()).toContain('Incorrect API key provided: [redacted].');
    expect(output()).not.toContain('VERYsecretKEY');
    expect(output()).not.toContain('tok-123456');
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
