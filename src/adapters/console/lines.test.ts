import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { TerminalScreen } from '../../../test/support/terminal-screen.js';
import { Lines } from './lines.js';

/** Lines read from keys typed on a real terminal emulator's screen (the keys are sent as a terminal would). */
function keyboard() {
  const screen = new TerminalScreen(40, 10);
  const keys = new PassThrough();
  const out = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        screen.write(chunk.toString('utf8'));
        done();
      },
    }),
    { columns: 40, rows: 10 },
  );
  let interrupted = 0;
  const lines = new Lines(keys, { screen: out, interrupt: () => interrupted++ });
  /** Takes the next line the way the console does: waiting for it at the prompt. */
  const nextLine = async () => {
    const line = await lines.listen(lines.peek());
    lines.take();
    return line;
  };
  return { screen, keys, out, lines, nextLine, interrupts: () => interrupted };
}

describe('Lines from a keyboard', () => {
  it('shows a prompt and the keys as they are typed', async () => {
    const { screen, keys, nextLine } = keyboard();
    const line = nextLine();
    keys.write('hello\r');
    expect(await line).toBe('hello');
    expect(await screen.transcript()).toBe('> hello');
  });

  it('holds keys typed while an answer is written, then shows each line after its own answer', async () => {
    const { screen, keys, out, nextLine } = keyboard();
    const first = nextLine();
    keys.write('first\r');
    expect(await first).toBe('first');
    out.write('answer one, streaming');
    keys.write('second\rthi');
    out.write(', done\r\n');
    expect(await nextLine()).toBe('second');
    out.write('answer two\r\n');
    const third = nextLine();
    keys.write('rd\r');
    expect(await third).toBe('third');
    expect(await screen.transcript()).toBe(
      ['> first', 'answer one, streaming, done', '> second', 'answer two', '> third'].join('\n'),
    );
  });

  it('takes the empty prompt away at the end of input', async () => {
    const { screen, keys, nextLine } = keyboard();
    const first = nextLine();
    keys.write('one\r');
    await first;
    const end = nextLine();
    keys.end();
    expect(await end).toBeUndefined();
    expect(await screen.transcript()).toBe('> one');
  });

  it('ends the prompt line when it stops waiting without a line', async () => {
    const { screen, keys, out, lines } = keyboard();
    keys.write('y');
    const settled = await lines.listen(Promise.race([lines.peek(), Promise.resolve('settled')]));
    expect(settled).toBe('settled');
    out.write('[approval] no answer in time: denied\r\n');
    expect(await screen.transcript()).toBe('> y\n[approval] no answer in time: denied');
  });

  it('passes Ctrl-C on to the console', async () => {
    const { keys, lines, interrupts } = keyboard();
    const waiting = lines.listen(lines.peek());
    keys.write('\u0003');
    keys.end();
    await waiting;
    expect(interrupts()).toBe(1);
  });
});
