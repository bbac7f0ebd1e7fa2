import { describe, expect, it } from 'vitest';
import { fenceAfter, isFenceBalanced } from './fences.js';
import { MIN_SPLIT_LENGTH, splitMessage, splitMessageParts } from './split.js';

describe('splitMessage', () => {
  it('keeps a text that fits as it is', () => {
    expect(splitMessage('Hello **world**.', 2000)).toEqual(['Hello **world**.']);
  });

  it('gives nothing for an empty or blank text', () => {
    expect(splitMessage('', 100)).toEqual([]);
    expect(splitMessage(' \n\n ', 100)).toEqual([]);
  });

  it('splits between paragraphs first', () => {
    const text = `${'a '.repeat(15)}end.\nsame paragraph.\n\nSecond paragraph.`;
    expect(splitMessage(text, 60)).toEqual([`${'a '.repeat(15)}end.\nsame paragraph.`, 'Second paragraph.']);
  });

  it('splits between lines when no paragraph break is near', () => {
    expect(splitMessage('line one is here\nline two is here\nline three', 40)).toEqual([
      'line one is here\nline two is here',
      'line three',
    ]);
  });

  it('splits after a sentence, then between words', () => {
    expect(splitMessage('First sentence here. Second sentence is a little longer.', 30)).toEqual([
      'First sentence here.',
      'Second sentence is a little',
      'longer.',
    ]);
  });

  it('splits after a CJK full stop, which has no space after it', () => {
    expect(splitMessage('これは最初の文です。これは二番目の文でとても長いです。', 20)).toEqual([
      'これは最初の文です。',
      'これは二番目の文でとても長いです。',
    ]);
  });

  it('cuts a word longer than the limit, without splitting an emoji', () => {
    const chunks = splitMessage('😀'.repeat(15), 21);
    expect(chunks).toEqual(['😀'.repeat(10), '😀'.repeat(5)]);
  });

  it('closes a code block at the cut and reopens it with its language', () => {
    const code = Array.from({ length: 8 }, (_, i) => `print(${i})`).join('\n');
    const chunks = splitMessage(`Here:\n\`\`\`python\n${code}\n\`\`\`\nDone.`, 60);
    expect(chunks).toEqual([
      'Here:\n```python\nprint(0)\nprint(1)\nprint(2)\nprint(3)\n```',
      '```python\nprint(4)\nprint(5)\nprint(6)\nprint(7)\n```\nDone.',
    ]);
  });

  it('counts the added fence lines toward the limit', () => {
    const text = `\`\`\`ts\n${'x'.repeat(30)}\n${'y'.repeat(30)}\n\`\`\``;
    for (const chunk of splitMessage(text, 40)) expect(chunk.length).toBeLessThanOrEqual(40);
  });

  it('does not take inline triple backticks for a fence', () => {
    const text = `Use \`\`\`x\`\`\` inline. ${'word '.repeat(20)}`;
    for (const chunk of splitMessage(text, 40)) expect(chunk).not.toMatch(/\n```$/);
  });

  it('refuses a limit too small to hold a reopened code block', () => {
    expect(() => splitMessage('text', MIN_SPLIT_LENGTH - 1)).toThrow(RangeError);
  });
});

describe('splitMessage on random texts', () => {
  it('keeps every chunk within the limit, balanced, and the text whole', () => {
    const random = seeded(20261126);
    for (let round = 0; round < 1000; round += 1) {
      const text = randomMarkdown(random);
      const maxLength = MIN_SPLIT_LENGTH + Math.floor(random() * 300);
      const parts = splitMessageParts(text, maxLength);
      const context = `round ${round}, maxLength ${maxLength}: ${JSON.stringify(text)}`;
      expect(parts.map((p) => p.body + p.gap).join(''), context).toBe(text);
      let open = fenceAfter('');
      for (const part of parts) {
        const chunk = part.reopen + part.body + part.close;
        expect(chunk.length, context).toBeLessThanOrEqual(maxLength);
        expect(part.gap, context).toMatch(/^\s*$/);
        expect(part.reopen === '', context).toBe(open === undefined);
        open = fenceAfter(part.body, open);
        expect(isFenceBalanced(chunk), context).toBe(true);
      }
      expect(splitMessage(text, maxLength), context).toEqual(
        parts.filter((p) => p.body.trim() !== '').map((p) => p.reopen + p.body + p.close),
      );
    }
  });
});

/** mulberry32: a small seeded generator, so that a failure can be replayed. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function randomMarkdown(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const word = () =>
    pick(['a', 'word', 'longer', 'text,', 'end.', 'why?', '😀', '日本語。', '`code`', '```x```']);
  const sentence = () =>
    Array.from({ length: 1 + Math.floor(random() * 25) }, word).join(pick([' ', ' ', '  ', '\t']));
  const block = (): string => {
    const fence = pick(['```', '```', '````']);
    const lines = Array.from({ length: Math.floor(random() * 12) }, () =>
      pick([
        '  indented();',
        'x = 1',
        '',
        '```inner',
        '    ```',
        sentence(),
        'y'.repeat(Math.floor(random() * 90)),
      ]),
    );
    return `${fence}${pick(['', 'ts', 'python', 'sh extra'])}\n${lines.join('\n')}\n${fence}`;
  };
  const pieces = Array.from({ length: 1 + Math.floor(random() * 8) }, () =>
    pick([sentence, sentence, block, () => 'z'.repeat(Math.floor(random() * 200)), () => '- item\n- item'])(),
  );
  if (random() < 0.1) pieces.push('```open\nnever closed');
  return pieces.join(pick(['\n\n', '\n', ' ', '\n\n\n', '\r\n']));
}
