import type { ToolDisplay } from '../config/types.js';
import type { ToolCallView } from '../core/reply-events.js';

/** A file to attach beside the message: long code or logs that do not fit inline. */
export interface TextAttachment {
  name: string;
  content: string;
}

/** A tool call as chat Markdown, plus what is attached whole. */
export interface ToolMessage {
  text: string;
  attachments: TextAttachment[];
}

export interface ToolViewOptions {
  mode: ToolDisplay;
  /** Room for the whole message (the platform's limit, less a margin). */
  maxLength: number;
}

const fence = (language: string, body: string) => `\`\`\`${language}\n${body.replace(/```/g, 'ˋˋˋ')}\n\`\`\``;

function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The last lines of long logs that still fit, with a note that the rest is attached. */
function trimLogs(logs: string, room: number): { shown: string; trimmed: boolean } {
  if (logs.length <= room) return { shown: logs, trimmed: false };
  const tail = logs.slice(logs.length - room);
  return { shown: `…\n${tail.slice(tail.indexOf('\n') + 1)}`, trimmed: true };
}

/**
 * How a chat shows one tool call, by `TOOL_DISPLAY`: `full` shows the code and its output (long code
 * as a .py attachment, long logs trimmed with the whole as a .txt attachment) and an MCP call's
 * arguments and output, `summary` one line, `off` nothing (undefined).
 */
export function toolMessage(call: ToolCallView, options: ToolViewOptions): ToolMessage | undefined {
  if (options.mode === 'off') return undefined;
  const summary = summarize(call);
  if (options.mode === 'full' && call.kind === 'mcp_call') return mcpCallMessage(call, options.maxLength);
  if (options.mode === 'summary' || call.kind !== 'code_interpreter')
    return { text: summary, attachments: [] };

  const attachments: TextAttachment[] = [];
  const budget = options.maxLength - 40;
  let code = fence('python', call.code.trimEnd());
  if (code.length > budget / 2) {
    attachments.push({ name: 'code.py', content: call.code });
    code = '_The code is attached as code.py._';
  }
  let text = `**Code interpreter**\n${code}`;
  const logs = call.logs.trimEnd();
  if (logs.length > 0) {
    const room = Math.max(0, budget - text.length - 40);
    const { shown, trimmed } = trimLogs(logs, room);
    text += `\n${fence('', shown)}`;
    if (trimmed) {
      attachments.push({ name: 'output.txt', content: call.logs });
      text += '\n_Output trimmed; the whole output is attached as output.txt._';
    }
  }
  return { text, attachments };
}

/** One line per tool call, for `summary` mode and, but for code and MCP calls, in any mode. */
export function summarize(call: ToolCallView): string {
  switch (call.kind) {
    case 'code_interpreter': {
      const lines = call.code.split('\n').filter((l) => l.trim().length > 0).length;
      return `🧮 Ran ${lines} line${lines === 1 ? '' : 's'} of Python`;
    }
    case 'file_search': {
      const found =
        call.resultCount === undefined
          ? ''
          : ` (${call.resultCount} result${call.resultCount === 1 ? '' : 's'})`;
      const queries = call.queries.length > 0 ? `: ${oneLine(call.queries.join('; '), 120)}` : '';
      return `🔎 Searched the files${queries}${found}`;
    }
    case 'function':
      return `${call.isError ? '⚠️' : '🔧'} \`${call.name}\` → ${oneLine(call.result, 160)}`;
    case 'mcp_call':
      return call.error === undefined
        ? `🔌 \`${call.server}/${call.name}\` → ${oneLine(call.output, 160)}`
        : `⚠️ \`${call.server}/${call.name}\` failed: ${oneLine(call.error, 160)}`;
    case 'mcp_list_tools':
      return call.error === undefined
        ? `🔌 \`${call.server}\` offers ${call.tools.length} tool${call.tools.length === 1 ? '' : 's'}${call.tools.length > 0 ? `: ${oneLine(call.tools.join(', '), 120)}` : ''}`
        : `⚠️ Could not list the tools of \`${call.server}\`: ${oneLine(call.error, 160)}`;
    case 'web_search':
      return webSearchLine(call);
  }
}

function webSearchLine(call: Extract<ToolCallView, { kind: 'web_search' }>): string {
  switch (call.action) {
    case 'search':
      return `🌐 Searched the web${call.queries.length > 0 ? `: ${oneLine(call.queries.join('; '), 120)}` : ''}`;
    case 'open_page':
      return `🌐 Opened ${call.url ?? 'a page'}`;
    case 'find_in_page':
      return `🌐 Looked for “${oneLine(call.pattern ?? '', 60)}” in ${call.url ?? 'a page'}`;
  }
}

/**
 * An MCP call in `full` mode, shown like code: which tool on which server, its arguments and its
 * output (or error), long output trimmed with the whole attached as output.txt.
 */
function mcpCallMessage(call: Extract<ToolCallView, { kind: 'mcp_call' }>, maxLength: number): ToolMessage {
  const budget = maxLength - 40;
  const failed = call.error !== undefined;
  let text = `${failed ? '⚠️' : '🔌'} **MCP** \`${call.server}/${call.name}\`\n${fence('json', oneLine(call.arguments, budget / 4))}`;
  const result = (failed ? `Error: ${call.error}` : call.output).trimEnd();
  const attachments: TextAttachment[] = [];
  if (result.length > 0) {
    const { shown, trimmed } = trimLogs(result, Math.max(0, budget - text.length - 40));
    text += `\n${fence('', shown)}`;
    if (trimmed) {
      attachments.push({ name: 'output.txt', content: result });
      text += '\n_Output trimmed; the whole output is attached as output.txt._';
    }
  }
  return { text, attachments };
}
