import { describe, expect, it } from 'vitest';
import { isFenceBalanced } from './split.js';
import { summarize, toolMessage } from './tool-view.js';

const code = (code: string, logs = '') => ({ kind: 'code_interpreter' as const, id: 'ci', code, logs });

describe('toolMessage', () => {
  it('shows code and output in full mode', () => {
    const message = toolMessage(code('print(1)', '1'), { mode: 'full', maxLength: 2000 });
    expect(message?.text).toBe('**Code interpreter**\n```python\nprint(1)\n```\n```\n1\n```');
    expect(message?.attachments).toEqual([]);
  });

  it('attaches long code as a .py file and trims long logs, attaching them whole', () => {
    const longCode = Array.from({ length: 200 }, (_, i) => `x${i} = ${i}`).join('\n');
    const longLogs = Array.from({ length: 500 }, (_, i) => `line ${i}`).join('\n');
    const message = toolMessage(code(longCode, longLogs), { mode: 'full', maxLength: 2000 });
    expect(message?.text.length).toBeLessThanOrEqual(2000);
    expect(isFenceBalanced(message?.text ?? '')).toBe(true);
    expect(message?.text).toContain('line 499');
    expect(message?.text).toMatch(/trimmed/);
    expect(message?.attachments.map((a) => a.name)).toEqual(['code.py', 'output.txt']);
    expect(message?.attachments[1]?.content).toBe(longLogs);
  });

  it('keeps a fence inside the code from breaking the block', () => {
    const message = toolMessage(code('s = """```"""'), { mode: 'full', maxLength: 2000 });
    expect(isFenceBalanced(message?.text ?? '')).toBe(true);
  });

  it('gives one line in summary mode and nothing when off', () => {
    expect(toolMessage(code('a=1\nb=2\n'), { mode: 'summary', maxLength: 2000 })?.text).toBe(
      '🧮 Ran 2 lines of Python',
    );
    expect(toolMessage(code('a=1'), { mode: 'off', maxLength: 2000 })).toBeUndefined();
  });
});

describe('summarize', () => {
  it('names a function and its result on one line, marking failures', () => {
    const ok = {
      kind: 'function' as const,
      id: 'f',
      name: 'current_time',
      arguments: '{}',
      result: '{"a":\n1}',
      isError: false,
    };
    expect(summarize(ok)).toBe('🔧 `current_time` → {"a": 1}');
    expect(summarize({ ...ok, isError: true, result: 'Error: nope' })).toBe('⚠️ `current_time` → Error: nope');
  });

  it('describes a file search with its queries and result count', () => {
    expect(summarize({ kind: 'file_search', id: 's', queries: ['leave policy'], resultCount: 3 })).toBe(
      '🔎 Searched the files: leave policy (3 results)',
    );
  });
});

describe('hosted tools of the Responses API', () => {
  const mcp = {
    kind: 'mcp_call' as const,
    id: 'mcp_1',
    server: 'docs',
    name: 'search',
    arguments: '{"q":"leave policy"}',
    output: 'Leave is 25 days.',
    error: undefined,
  };

  it('shows an MCP call like a function call in summary mode, and nothing in off mode', () => {
    expect(toolMessage(mcp, { mode: 'summary', maxLength: 2000 })).toEqual({
      text: '🔌 `docs/search` → Leave is 25 days.',
      attachments: [],
    });
    expect(toolMessage({ ...mcp, error: 'Tool not found' }, { mode: 'summary', maxLength: 2000 })?.text).toBe(
      '⚠️ `docs/search` failed: Tool not found',
    );
    expect(toolMessage(mcp, { mode: 'off', maxLength: 2000 })).toBeUndefined();
  });

  it('shows an MCP call’s arguments and output in full mode, long output trimmed and attached', () => {
    expect(toolMessage(mcp, { mode: 'full', maxLength: 2000 })?.text).toBe(
      '🔌 **MCP** `docs/search`\n```json\n{"q":"leave policy"}\n```\n```\nLeave is 25 days.\n```',
    );
    const long = Array.from({ length: 400 }, (_, i) => `row ${i}`).join('\n');
    const message = toolMessage({ ...mcp, output: long }, { mode: 'full', maxLength: 2000 });
    expect(message?.text.length).toBeLessThanOrEqual(2000);
    expect(isFenceBalanced(message?.text ?? '')).toBe(true);
    expect(message?.text).toContain('row 399');
    expect(message?.attachments).toEqual([{ name: 'output.txt', content: long }]);
  });

  it('lists an MCP server’s tools, and says when the listing failed', () => {
    const listing = {
      kind: 'mcp_list_tools' as const,
      id: 'l',
      server: 'docs',
      tools: ['search', 'fetch'],
      error: undefined,
    };
    expect(toolMessage(listing, { mode: 'full', maxLength: 2000 })?.text).toBe(
      '🔌 `docs` offers 2 tools: search, fetch',
    );
    expect(summarize({ ...listing, tools: [], error: 'HTTP 401' })).toBe(
      '⚠️ Could not list the tools of `docs`: HTTP 401',
    );
  });

  it('says what a web search did', () => {
    const search = {
      kind: 'web_search' as const,
      id: 'w',
      queries: ['weather Paris'],
      url: undefined,
      pattern: undefined,
    };
    expect(summarize({ ...search, action: 'search' })).toBe('🌐 Searched the web: weather Paris');
    expect(summarize({ ...search, action: 'open_page', url: 'https://example.org/a' })).toBe(
      '🌐 Opened https://example.org/a',
    );
    expect(
      summarize({ ...search, action: 'find_in_page', url: 'https://example.org/a', pattern: 'rain' }),
    ).toBe('🌐 Looked for “rain” in https://example.org/a');
  });

  it('leaves out the count of a file search that did not report its results', () => {
    expect(summarize({ kind: 'file_search', id: 's', queries: ['leave'], resultCount: undefined })).toBe(
      '🔎 Searched the files: leave',
    );
  });
});
