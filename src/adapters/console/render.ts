import { mkdir, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Citation, OutboundFile, ReplyEvent, ToolCallView } from '../../core/reply-events.js';
import { formatFootnotes } from '../../render/citations.js';
import { summarize } from '../../render/tool-view.js';
import { type TerminalSize, TerminalText } from './terminal-text.js';

/** Where the console writes: the answer to `out`, progress (only when interactive) to `status`. */
export interface ConsoleOutput {
  out: NodeJS.WritableStream;
  status: NodeJS.WritableStream | undefined;
  /**
   * Set when `out` is a terminal: text shows as it streams, and each message's final text (citation
   * markers, resolved links) then takes its place. Unset (piped): each message's final text, once.
   */
  terminal: TerminalSize | undefined;
  outputDir: string;
}

/** Told of approval prompts as they come and go, so the adapter can read the y/n answer. */
export interface ApprovalPrompts {
  asked(approvalId: string): void;
  settled(approvalId: string): void;
}

/** How a decided approval reads in the terminal. */
const OUTCOMES: Record<Extract<ReplyEvent, { type: 'approval.decided' }>['outcome'], string> = {
  approved: 'approved',
  denied: 'denied',
  timeout: 'no answer in time: denied',
  cancelled: 'the run stopped: not run',
};

/** Renders one run's reply events as terminal text; files are saved and announced by path. */
export async function renderToConsole(
  events: AsyncIterable<ReplyEvent>,
  output: ConsoleOutput,
  prompts?: ApprovalPrompts,
): Promise<void> {
  const live = output.terminal ? new TerminalText(output.out, output.terminal) : undefined;
  // Lines that come while text streams go above it: the streamed text stays last, to be replaced.
  const writeTo = (stream: NodeJS.WritableStream | undefined, text: string) => {
    if (!stream) return;
    if (live) live.interrupt(() => stream.write(text));
    else stream.write(text);
  };
  const write = (text: string) => writeTo(output.out, text);
  for await (const event of events) {
    switch (event.type) {
      case 'text.delta':
        live?.append(event.delta);
        break;
      case 'text.done':
        if (live) live.finish(event.text);
        else output.out.write(event.text);
        write(`\n${footnotes(event.citations)}`);
        break;
      case 'tool':
        write(`${describeTool(event.call)}\n`);
        break;
      case 'file':
        write(`[${event.file.kind}] ${await saveFile(event.file, output.outputDir)}\n`);
        break;
      case 'status':
        writeTo(output.status, `… ${event.text}\n`);
        break;
      case 'notice':
        write(`[notice] ${event.text}\n`);
        break;
      case 'done':
        // A run that stopped mid-text gets no final text: what streamed stays, on lines of its own.
        live?.end();
        if (event.notice) write(`[${event.ending.kind}] ${event.notice}\n`);
        break;
      case 'error':
        live?.end();
        write(`[error] ${event.text}\n`);
        break;
      case 'approval.requested': {
        const tool = event.server === undefined ? event.tool : `${event.server}/${event.tool}`;
        write(`[approval] ${tool}(${event.arguments}) needs your approval. Run it? [y/n]\n`);
        prompts?.asked(event.approvalId);
        break;
      }
      case 'approval.decided':
        prompts?.settled(event.approvalId);
        write(`[approval] ${OUTCOMES[event.outcome]}\n`);
        break;
      case 'run.started':
      case 'usage':
        break;
    }
  }
  live?.end();
}

function footnotes(citations: readonly Citation[]): string {
  return citations.length === 0 ? '' : `${formatFootnotes(citations)}\n`;
}

function describeTool(call: ToolCallView): string {
  switch (call.kind) {
    case 'code_interpreter': {
      const logs = call.logs.trim().length > 0 ? `\n[output]\n${call.logs.trimEnd()}` : '';
      return `[code]\n\`\`\`python\n${call.code.trimEnd()}\n\`\`\`${logs}`;
    }
    case 'function':
      return `[function] ${call.name}(${call.arguments}) -> ${oneLine(call.result)}`;
    default:
      // File and web searches, MCP calls: the line every platform shows (no count when none is known).
      return `[${call.kind.replace(/_/g, ' ')}] ${summarize(call)}`;
  }
}

function oneLine(text: string, max = 200): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Saves a file under the output directory without overwriting an earlier one; returns its path. */
async function saveFile(file: OutboundFile, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const safe = file.name.replace(/[^\w.-]+/g, '_').replace(/^\.+/, '') || 'file';
  const withExtension = extname(safe) || file.kind !== 'image' ? safe : `${safe}.png`;
  const ext = extname(withExtension);
  const stem = withExtension.slice(0, withExtension.length - ext.length);
  for (let n = 0; ; n++) {
    const path = join(dir, n === 0 ? withExtension : `${stem}-${n}${ext}`);
    try {
      await writeFile(path, file.bytes, { flag: 'wx' });
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
