import xterm from '@xterm/headless';

/**
 * A real terminal emulator (xterm.js, headless) to read what a person sees after a program wrote
 * to their terminal: escape sequences applied, long lines wrapped, the scrollback kept.
 */
export class TerminalScreen {
  private readonly terminal: xterm.Terminal;
  private pending: Promise<void> = Promise.resolve();

  /** `newlineIsCrLf`: a bare `\n` also returns the cursor, as a pty's output processing does. */
  constructor(
    readonly columns: number,
    readonly rows: number,
    options: { newlineIsCrLf?: boolean } = {},
  ) {
    this.terminal = new xterm.Terminal({
      cols: columns,
      rows,
      scrollback: 10_000,
      allowProposedApi: true,
      convertEol: options.newlineIsCrLf ?? false,
    });
  }

  /** Feeds output to the terminal; `settled()` waits until it is parsed. */
  write(data: string | Uint8Array): void {
    this.pending = this.pending.then(() => new Promise((resolve) => this.terminal.write(data, resolve)));
  }

  settled(): Promise<void> {
    return this.pending;
  }

  /**
   * Everything on the screen and in the scrollback as text lines, the rows a long line wrapped into
   * joined again, trailing blanks dropped.
   */
  async transcript(): Promise<string> {
    await this.settled();
    const buffer = this.terminal.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++) {
      const line = buffer.getLine(i);
      if (!line) continue;
      const text = line.translateToString(true);
      if (line.isWrapped && lines.length > 0) lines[lines.length - 1] += text;
      else lines.push(text);
    }
    return lines.join('\n').trimEnd();
  }
}
