import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './core/logger.js';
import { installProcessGuards, type ProcessFault } from './process-guards.js';

function guarded() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const target = new EventEmitter();
  const counted: ProcessFault[] = [];
  const exits: number[] = [];
  const remove = installProcessGuards({
    logger: createLogger('info', stream),
    count: (fault) => counted.push(fault),
    target,
    exit: (code) => exits.push(code),
  });
  return { target, lines, counted, exits, remove };
}

describe('installProcessGuards', () => {
  it('logs and counts an unhandled rejection, with its error, and keeps the process running', () => {
    const { target, lines, counted, exits } = guarded();
    target.emit('unhandledRejection', new TypeError('nobody awaited this'), Promise.resolve());
    expect(counted).toEqual(['unhandled_rejection']);
    expect(exits).toEqual([]);
    expect(lines[0]).toMatchObject({
      level: 50,
      fault: 'unhandled_rejection',
      err: { type: 'TypeError', message: 'nobody awaited this' },
    });
    expect(String((lines[0]?.err as { stack?: string } | undefined)?.stack)).toContain(
      'process-guards.test.ts',
    );
  });

  it('logs and counts an uncaught exception, then exits 1', () => {
    const { target, lines, counted, exits } = guarded();
    target.emit('uncaughtException', new RangeError('half-way through'), 'uncaughtException');
    expect(counted).toEqual(['uncaught_exception']);
    expect(exits).toEqual([1]);
    expect(lines[0]).toMatchObject({
      level: 60,
      fault: 'uncaught_exception',
      origin: 'uncaughtException',
      err: { type: 'RangeError', message: 'half-way through' },
    });
  });

  it('logs a rejection with a value that is not an Error too', () => {
    const { target, lines, counted } = guarded();
    target.emit('unhandledRejection', 'just a string', Promise.resolve());
    expect(counted).toEqual(['unhandled_rejection']);
    expect(lines[0]).toMatchObject({ fault: 'unhandled_rejection', err: 'just a string' });
  });

  it('can be removed', () => {
    const { target, counted, remove } = guarded();
    remove();
    expect(target.listenerCount('unhandledRejection')).toBe(0);
    expect(target.listenerCount('uncaughtException')).toBe(0);
    expect(counted).toEqual([]);
  });
});
