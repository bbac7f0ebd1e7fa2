import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { TerminalScreen } from '../../../test/support/terminal-screen.js';
import { TerminalText } from './terminal-text.js';

/** A TerminalText writing into a real terminal emulator of this size, below a typed line. */
function terminal(columns: number, rows: number) {
  const screen = new TerminalScreen(columns, rows, { newlineIsCrLf: true });
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      screen.write(chunk.toString('utf8'));
      done();
    },
  });
  screen.write('> question\n');
  const text = new TerminalText(out, { columns, rows });
  const write = (line: string) => out.write(line);
  return { screen, text, write };
}

/** Streams `text` in chunks of `size` characters, as a model would. */
function stream(text: TerminalText, content: string, size = 5): void {
  for (let i = 0; i < content.length; i += size) text.append(content.slice(i, i + size));
}

describe('TerminalText', () => {
  it('replaces the streamed text with the final one: markers and resolved links, no raw link', async () => {
    const { screen, text, write } = terminal(80, 24);
    stream(text, 'Download [squares.csv](sandbox:/mnt/data/squares.csv), as the policy says.');
    text.finish('Download [squares.csv](squares.csv), as the policy says[1].');
    write('\n[1] policy.md\n');
    expect(await screen.transcript()).toBe(
      '> question\nDownload [squares.csv](squares.csv), as the policy says[1].\n[1] policy.md',
    );
  });

  it('erases every row a long text wrapped into', async () => {
    const { screen, text } = terminal(20, 24);
    const raw = 'word '.repeat(30);
    stream(text, raw);
    text.finish('short');
    expect(await screen.transcript()).toBe('> question\nshort');
  });

  it('counts wide characters as two columns when it wraps', async () => {
    const { screen, text } = terminal(10, 24);
    stream(text, '日本語の文章はとても長いので何行にもなります。', 3);
    text.finish('短い');
    expect(await screen.transcript()).toBe('> question\n短い');
  });

  it('counts a row filled to the last column once, the next glyph on a new row, and a tab to its stop', async () => {
    const { screen, text } = terminal(10, 24);
    stream(text, `0123456789\nab\tcdefghij\n${'x'.repeat(21)}`, 1);
    text.finish('done');
    expect(await screen.transcript()).toBe('> question\ndone');
  });

  it('stops streaming a text taller than the screen, so that the final text shows it once, whole', async () => {
    const { screen, text } = terminal(40, 10);
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
    stream(text, lines.map((line) => `${line} (raw)`).join('\n'));
    text.finish(lines.join('\n'));
    expect(await screen.transcript()).toBe(['> question', ...lines].join('\n'));
  });

  it('writes a line that comes mid-stream above the text, and keeps streaming below it', async () => {
    const { screen, text, write } = terminal(30, 24);
    stream(text, 'The first half, ');
    text.interrupt(() => write('[file] output/data.csv\n'));
    stream(text, 'and the second half.');
    text.finish('The whole text[1].');
    expect(await screen.transcript()).toBe('> question\n[file] output/data.csv\nThe whole text[1].');
  });

  it('shows control characters in the text instead of obeying them', async () => {
    const { screen, text } = terminal(40, 24);
    stream(text, 'red \u001b[31mtext\u001b[0m and \u001b[2J a clear');
    text.end();
    expect(await screen.transcript()).toBe('> question\nred [31mtext[0m and [2J a clear');
  });

  it('leaves a text that gets no final one as it streamed, ended by a newline', async () => {
    const { screen, text, write } = terminal(40, 24);
    stream(text, 'cut short');
    text.end();
    write('[cancelled] Stopped.\n');
    expect(await screen.transcript()).toBe('> question\ncut short\n[cancelled] Stopped.');
  });
});
