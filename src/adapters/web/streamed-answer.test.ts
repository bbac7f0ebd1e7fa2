import { describe, expect, it } from 'vitest';
import { StreamedAnswer } from './streamed-answer.js';

/** Records the writes in order, as the log would see them. */
function recorder(intervalMs = 5) {
  const writes: string[] = [];
  const posted: string[][] = [];
  let failNext = false;
  const answer = new StreamedAnswer({
    post: async (text) => {
      writes.push(`post ${text}`);
      return 'm1';
    },
    append: async (id, delta) => {
      if (failNext) throw new Error('store down');
      writes.push(`append ${id} ${delta}`);
    },
    edit: async (id, text) => {
      writes.push(`edit ${id} ${text}`);
    },
    onPosted: (ids) => posted.push([...ids]),
    intervalMs,
  });
  return { answer, writes, posted, fail: () => (failNext = true) };
}

const until = async (check: () => boolean) => {
  const deadline = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('not in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
};

describe('StreamedAnswer', () => {
  it('posts the first words, appends the rest, and edits in the exact final text', async () => {
    const { answer, writes, posted } = recorder();
    answer.append('Hel');
    await until(() => writes.length === 1);
    // Deltas that come while a write waits go out together.
    answer.append('lo ');
    answer.append('there');
    await until(() => writes.length === 2);
    await answer.finish('Hello there [1]\n\n[1] source');
    expect(writes[0]).toBe('post Hel');
    expect(writes[1]).toBe('append m1 lo there');
    expect(writes.at(-1)).toBe('edit m1 Hello there [1]\n\n[1] source');
    expect(posted).toEqual([['m1']]);
  });

  it('posts the final text at once when nothing streamed, and nothing for a closed empty text', async () => {
    const first = recorder();
    await first.answer.finish('All at once.');
    expect(first.writes).toEqual(['post All at once.']);
    const empty = recorder();
    await empty.answer.close();
    expect(empty.writes).toEqual([]);
  });

  it('keeps what streamed on close, and reports a failed write', async () => {
    const { answer, writes, fail } = recorder(1);
    answer.append('Let me think');
    await until(() => writes.length === 1);
    fail();
    answer.append('...');
    await expect(answer.close()).rejects.toThrow('store down');
    expect(writes).toEqual(['post Let me think']);
  });
});
