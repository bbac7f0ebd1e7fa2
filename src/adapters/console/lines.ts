import { clearLine, createInterface, cursorTo } from 'node:readline';
import { Writable } from 'node:stream';

/** A terminal the console both reads keys from and writes to. */
export interface Keyboard {
  /** The terminal: where the prompt and the typed keys are shown. */
  screen: NodeJS.WritableStream & { columns?: number; rows?: number };
  /** Ctrl-C: the keys arrive as keys (the terminal is in raw mode), so the console decides. */
  interrupt(): void;
}

/** Shown when the console waits for a line from the keyboard. */
export const PROMPT = '> ';

/** How readline ends a line on the screen when Enter is pressed (one write of its own). */
const LINE_END = '\r\n';

/**
 * Where readline echoes typed keys. While the console waits for input: the prompt, then the keys as
 * they are typed. While it writes an answer: held (an echo in the middle of streamed text would land
 * in the rows the final text replaces), and shown once it waits again, one typed line at a time, each
 * after its own prompt and before its own answer.
 */
class Echo extends Writable {
  private held: string[] = [];
  private holding = true;
  /** The prompt is on the screen and its line is not ended. */
  private prompted = false;
  private ended = false;

  constructor(private readonly screen: Keyboard['screen']) {
    super({ decodeStrings: false });
    // Readline wraps long input at the terminal's width and redraws it when the width changes.
    screen.on('resize', () => this.emit('resize'));
  }

  get columns(): number | undefined {
    return this.screen.columns;
  }

  get rows(): number | undefined {
    return this.screen.rows;
  }

  override _write(chunk: string | Buffer, _encoding: BufferEncoding, done: () => void): void {
    const text = chunk.toString();
    if (this.holding) this.held.push(text);
    else this.pass(text);
    done();
  }

  /** The console waits for a line: the prompt, then what was typed meanwhile up to one line's end. */
  show(): void {
    if (this.ended) return;
    this.holding = false;
    if (!this.prompted) {
      this.screen.write(PROMPT);
      this.prompted = true;
    }
    for (let text = this.held.shift(); text !== undefined; text = this.held.shift()) {
      this.pass(text);
      // The lines typed after it show after its answer.
      if (text === LINE_END) break;
    }
  }

  /** The console writes: the keys typed from now on wait. */
  hold(): void {
    if (this.ended) return;
    this.holding = true;
    // It stopped waiting with no line (an approval was settled meanwhile): what follows gets its own line.
    if (this.prompted) this.pass(LINE_END);
  }

  /** The input ended: an empty prompt is taken away. */
  close(): void {
    if (this.prompted) {
      cursorTo(this.screen, 0);
      clearLine(this.screen, 0);
    }
    this.ended = true;
  }

  private pass(text: string): void {
    this.screen.write(text);
    if (text === LINE_END) this.prompted = false;
  }
}

/**
 * Input lines, one at a time; a line looked at but not taken is still there for the next look. From a
 * keyboard, lines are edited in the console (arrows, history) after a prompt, and what is typed while
 * an answer is written shows once it is done.
 */
export class Lines {
  private readonly iterator: AsyncIterator<string>;
  private next: Promise<string | undefined> | undefined;
  private readonly echo: Echo | undefined;

  constructor(input: NodeJS.ReadableStream, keyboard?: Keyboard) {
    this.echo = keyboard && new Echo(keyboard.screen);
    const lines = this.echo
      ? createInterface({ input, output: this.echo, terminal: true, prompt: PROMPT })
      : createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    if (keyboard) lines.on('SIGINT', () => keyboard.interrupt());
    this.iterator = lines[Symbol.asyncIterator]();
  }

  /** The next line, without taking it; undefined at the end of input. */
  peek(): Promise<string | undefined> {
    this.next ??= this.iterator.next().then((r) => {
      if (r.done) this.echo?.close();
      return r.done ? undefined : r.value;
    });
    return this.next;
  }

  /**
   * Shows the prompt and what is typed until `wait` settles: the console waits for input. Otherwise
   * typed keys are held, so that none lands in the middle of an answer.
   */
  async listen<T>(wait: Promise<T>): Promise<T> {
    this.echo?.show();
    try {
      return await wait;
    } finally {
      this.echo?.hold();
    }
  }

  take(): void {
    this.next = undefined;
  }
}
