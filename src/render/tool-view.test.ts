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
