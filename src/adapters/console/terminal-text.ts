import { clearScreenDown, cursorTo, moveCursor } from 'node:readline';
import stringWidth from 'string-width';

/** The size of the terminal the console writes to, read at each use (a window can be resized). */
export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

/** What stands for the rest of a streamed text that no longer fits on the screen. */
const MORE = '…';

const TAB_WIDTH = 8;

/**
 * Control characters other than newline and tab. Model text is shown, never obeyed: an escape
 * sequence in it must not move the cursor (or the rows counted here would be wrong).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Text as a terminal should show it: control characters removed. */
export function forTerminal(text: string): string {
  return text.replace(CONTROL, '');
}

const graphemes = new Intl.Segmenter();

/**
 * One answer's text as it streams into a terminal, kept replaceable: it counts the screen rows the
 * text fills (wrapping at the terminal's width, wide characters counted as two columns) so that it
 * can be erased and the final text, with its citation markers and resolved links, written in its
 * place. A text taller than the screen stops streaming at the last row (what scrolled away could
 * not be erased); the final text then shows it whole. Assumes it starts at the beginning of a line.
 */
export class TerminalText {
  /** Everything appended, control characters removed. */
  private text = '';
  /** How much of `text` is on the screen. */
  private shownLength = 0;
  /** The cursor, relative to where the text began. */
  private row = 0;
  private column = 0;
  private full = false;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly size: TerminalSize,
  ) {}

  /** Is there streamed text on the screen? */
  get live(): boolean {
    return this.text.length > 0;
  }

  /** Shows more streamed text, as far as the screen has room for it. */
  append(delta: string): void {
    this.text += forTerminal(delta);
    if (!this.full) this.show();
  }

  /** Replaces the streamed text with `final` (ending where `final` ends); a new text may follow. */
  finish(final: string): void {
    this.erase();
    this.out.write(forTerminal(final));
    this.text = '';
  }

  /**
   * Writes something else (a tool call, a file, a status line) above the streamed text: the text is
   * erased, `write` runs (and must end its output with a newline), and the text is shown again below.
   */
  interrupt(write: () => void): void {
    if (!this.live) {
      write();
      return;
    }
    const text = this.text;
    this.erase();
    write();
    this.text = '';
    this.append(text);
  }

  /** Leaves the streamed text as it is, whole and ended by a newline: no final text will come. */
  end(): void {
    if (!this.live) return;
    this.finish(this.text.endsWith('\n') ? this.text : `${this.text}\n`);
  }

  private show(): void {
    // Rows 0..lastRow hold text and one more says there is more: the whole stays on one screen.
    const lastRow = Math.max(0, (this.size.rows || 24) - 3);
    let shown = '';
    for (const { segment } of graphemes.segment(this.text.slice(this.shownLength))) {
      const glyphs =
        segment === '\t' ? Array<string>(TAB_WIDTH - (this.column % TAB_WIDTH)).fill(' ') : [segment];
      const at = this.advance(glyphs);
      if (at.row > lastRow) {
        shown += `\n${MORE}`;
        this.row += 1;
        this.column = MORE.length;
        this.full = true;
        break;
      }
      shown += glyphs.join('');
      this.shownLength += segment.length;
      this.row = at.row;
      this.column = at.column;
    }
    this.out.write(shown);
  }

  /** Where the cursor is after writing `glyphs` (one grapheme, or a tab's spaces) at the cursor. */
  private advance(glyphs: readonly string[]): { row: number; column: number } {
    if (glyphs[0] === '\n') return { row: this.row + 1, column: 0 };
    const columns = this.size.columns || 80;
    let { row, column } = this;
    for (const glyph of glyphs) {
      const width = stringWidth(glyph);
      // A terminal wraps before a glyph that does not fit: a full row keeps the cursor until then.
      if (column + width > columns) {
        row += 1;
        column = 0;
      }
      column += width;
    }
    return { row, column };
  }

  /** Moves back to where the text began and clears everything below. */
  private erase(): void {
    if (this.shownLength === 0 && !this.full) return;
    cursorTo(this.out, 0);
    if (this.row > 0) moveCursor(this.out, 0, -this.row);
    clearScreenDown(this.out);
    this.shownLength = 0;
    this.row = 0;
    this.column = 0;
    this.full = false;
  }
}
