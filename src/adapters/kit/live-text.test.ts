import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isFenceBalanced } from '../../render/split.js';
import { LiveText, MessageGoneError, type MessageTarget, type TextCall } from './live-text.js';
import { RateBudget } from './rate-budget.js';

/** A platform in memory: messages by id, every call recorded. */
class MemoryTarget implements MessageTarget<number> {
  readonly messages = new Map<number, string>();
  readonly calls: string[] = [];
  readonly gone = new Set<number>();
  private next = 1;

  /** The place in the series each post was made for (what keys it), in order. */
  readonly indexes: (number | undefined)[] = [];

  async post(content: () => string, call?: TextCall): Promise<number> {
    const id = this.next++;
    this.messages.set(id, content());
    this.calls.push(`post ${id}`);
    this.indexes.push(call?.index);
    return id;
  }

  async edit(id: number, content: () => string): Promise<void> {
    this.calls.push(`edit ${id}`);
    if (this.gone.has(id)) throw new MessageGoneError('deleted');
    this.messages.set(id, content());
  }

  async remove(id: number): Promise<void> {
    this.calls.push(`remove ${id}`);
    this.messages.delete(id);
  }

  shown(): string[] {
    return [...this.messages.entries()].filter(([id]) => !this.gone.has(id)).map(([, text]) => text);
  }
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('LiveText', () => {
  it('tells each post its place in the series, and none to a post that replaces a gone message', async () => {
    const target = new MemoryTarget();
    const live = new LiveText(target, { maxLength: 20, minEditIntervalMs: 1000, existing: [] });
    await live.finish('First sentence here. Second sentence there.');
    expect(target.indexes.length).toBeGreaterThan(1);
    expect(target.indexes).toEqual(target.indexes.map((_, i) => i));

    const resumed = new MemoryTarget();
    resumed.messages.set(7, 'Old');
    resumed.gone.add(7);
    const again = new LiveText(resumed, { maxLength: 2000, minEditIntervalMs: 1000, existing: [7] });
    await again.finish('New text.');
    expect(resumed.calls).toEqual(['edit 7', 'post 1']);
    expect(resumed.indexes).toEqual([undefined]);
  });

  it('posts the first text, then coalesces edits to one per interval', async () => {
    const target = new MemoryTarget();
    const live = new LiveText(target, { maxLength: 2000, minEditIntervalMs: 1000 });
    live.append('Hel');
    await vi.advanceTimersByTimeAsync(0);
    expect(target.calls).toEqual(['post 1']);
    for (const piece of ['lo', ' wor', 'ld', '!']) {
      live.append(piece);
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(target.calls).toEqual(['post 1']);
    await vi.advanceTimersByTimeAsync(1000);
    expect(target.calls).toEqual(['post 1', 'edit 1']);
    expect(target.shown()).toEqual(['Hello world!']);
  });

  it('delivers exactly the final text, which replaces what streamed', async () => {
    const target = new MemoryTarget();
    const live = new LiveText(target, { maxLength: 2000, minEditIntervalMs: 1000 });
    live.append('Revenue grew');
    await vi.advanceTimersByTimeAsync(0);
    live.append(' by 5%');
    await live.finish('Revenue grew by 5%[1].');
    expect(target.shown()).toEqual(['Revenue grew by 5%[1].']);
  });

  it('continues in a new message at the limit, with code fences balanced in each', async () => {
    const target = new MemoryTarget();
    const live = new LiveText(target, { maxLength: 200, minEditIntervalMs: 10 });
    const lines = Array.from({ length: 40 }, (_, i) => `print(${i})`).join('\n');
    const answer = `Here is the code:\n\n\`\`\`python\n${lines}\n\`\`\`\n\nDone.`;
    for (const char of answer) {
      live.append(char);
      await vi.advanceTimersByTimeAsync(1);
    }
    await live.finish(answer);
    const shown = target.shown();
    expect(shown.length).toBeGreaterThan(2);
    for (const message of shown) {
      expect(message.length).toBeLessThanOrEqual(200);
      expect(isFenceBalanced(message)).toBe(true);
    }
    const body = shown.join('\n').replace(/```python\n|```\n?/g, '');
    for (let i = 0; i < 40; i++) expect(body).toContain(`print(${i})`);
    expect(shown.at(-1)).toContain('Done.');
  });

  it('continues in a new message when the one being edited was deleted', async () => {
    const target = new MemoryTarget();
    const live = new LiveText(target, { maxLength: 2000, minEditIntervalMs: 10 });
    live.append('first part');
    await vi.advanceTimersByTimeAsync(0);
    target.gone.add(1);
    live.append(' and the rest');
    await live.finish('first part and the rest');
    expect(target.shown()).toEqual(['first part and the rest']);
    expect(target.calls).toEqual(['post 1', 'edit 1', 'post 2']);
  });

  it('removes messages the final text no longer needs', async () => {
    const target = new MemoryTarget();
    const live = new LiveText(target, { maxLength: 50, minEditIntervalMs: 10 });
    live.append(`${'word '.repeat(15)}`);
    await vi.advanceTimersByTimeAsync(20);
    expect(target.shown().length).toBe(2);
    await live.finish('short now');
    expect(target.shown()).toEqual(['short now']);
  });

  it('backs off while the platform keeps failing, and still delivers the final text', async () => {
    const target = new MemoryTarget();
    let failing = true;
    const post = target.post.bind(target);
    target.post = async (content) => {
      if (failing) {
        target.calls.push('post failed');
        throw new Error('503');
      }
      return post(content);
    };
    const live = new LiveText(target, { maxLength: 2000, minEditIntervalMs: 100 });
    live.append('hello');
    await vi.advanceTimersByTimeAsync(10_000);
    // 100 ms doubling: about 7 tries in 10 s rather than 100.
    expect(target.calls.length).toBeLessThanOrEqual(8);
    failing = false;
    await live.finish('hello world');
    expect(target.shown()).toEqual(['hello world']);
  });

  it('waits its turn in a busy budget, so many answers stretch their intervals', async () => {
    const shared = new RateBudget({ perSecond: 10, burst: 1 });
    const targets = Array.from({ length: 5 }, () => new MemoryTarget());
    // The platform's calls wait for the budget; text that comes meanwhile goes out at the next call.
    const paced = (t: MemoryTarget): MessageTarget<number> => ({
      post: async (content, call) => {
        await shared.acquire(call.priority, call.signal && { signal: call.signal });
        return t.post(content);
      },
      edit: async (id, content, call) => {
        await shared.acquire(call.priority, call.signal && { signal: call.signal });
        return t.edit(id, content);
      },
    });
    const lives = targets.map((t) => new LiveText(paced(t), { maxLength: 2000, minEditIntervalMs: 100 }));
    for (let tick = 0; tick < 20; tick++) {
      for (const live of lives) live.append('x');
      await vi.advanceTimersByTimeAsync(100);
    }
    // 2 s at 10 calls a second, shared by all five answers: about 21 calls, not 5 x 20.
    const calls = targets.reduce((n, t) => n + t.calls.length, 0);
    expect(calls).toBeLessThanOrEqual(22);
    const finished = Promise.all(lives.map((live) => live.finish('x'.repeat(20))));
    await vi.advanceTimersByTimeAsync(2000);
    await finished;
    for (const target of targets) expect(target.shown()).toEqual(['x'.repeat(20)]);
  });

  it('calls off an update still waiting for its turn: the final text goes first, in the final lane', async () => {
    const shared = new RateBudget({ perSecond: 1, burst: 1 });
    const target = new MemoryTarget();
    const lanes: string[] = [];
    const paced: MessageTarget<number> = {
      post: async (content, call) => {
        lanes.push(call.priority);
        await shared.acquire(call.priority, call.signal && { signal: call.signal });
        return target.post(content);
      },
      edit: async (id, content, call) => {
        lanes.push(call.priority);
        await shared.acquire(call.priority, call.signal && { signal: call.signal });
        return target.edit(id, content);
      },
    };
    const live = new LiveText(paced, { maxLength: 2000, minEditIntervalMs: 10 });
    live.append('Hello');
    await vi.advanceTimersByTimeAsync(0);
    expect(target.calls).toEqual(['post 1']);
    live.append(' wor');
    await vi.advanceTimersByTimeAsync(20);
    // The edit waits for the budget's next turn (a second away)...
    expect(lanes).toEqual(['first', 'update']);
    const finished = live.finish('Hello world!');
    await vi.advanceTimersByTimeAsync(1000);
    await finished;
    // ...and is dropped for the final text: one edit, carrying the final text, in the final lane.
    expect(target.calls).toEqual(['post 1', 'edit 1']);
    expect(lanes).toEqual(['first', 'update', 'final']);
    expect(target.shown()).toEqual(['Hello world!']);
    expect(shared.waiting).toBe(0);
  });

  it('carries the latest text when a waiting call’s turn comes', async () => {
    const shared = new RateBudget({ perSecond: 2, burst: 1 });
    const target = new MemoryTarget();
    const paced: MessageTarget<number> = {
      post: async (content, call) => {
        await shared.acquire(call.priority, call.signal && { signal: call.signal });
        return target.post(content);
      },
      edit: async (id, content, call) => {
        await shared.acquire(call.priority, call.signal && { signal: call.signal });
        return target.edit(id, content);
      },
    };
    const live = new LiveText(paced, { maxLength: 2000, minEditIntervalMs: 10 });
    live.append('a');
    await vi.advanceTimersByTimeAsync(0);
    live.append('b');
    await vi.advanceTimersByTimeAsync(20);
    // The edit of "ab" waits half a second for its turn; text keeps coming meanwhile.
    live.append('c');
    live.append('d');
    await vi.advanceTimersByTimeAsync(500);
    expect(target.calls).toEqual(['post 1', 'edit 1']);
    expect(target.shown()).toEqual(['abcd']);
  });

  it('in whole mode posts each message once it is complete, the first one early', async () => {
    const target = new MemoryTarget();
    const live = new LiveText(target, {
      maxLength: 50,
      minEditIntervalMs: 10,
      plan: () => ({ mode: 'whole', intervalMs: 10, firstEarly: true }),
    });
    const words = Array.from({ length: 40 }, (_, i) => `w${i}`);
    for (const word of words) {
      live.append(`${word} `);
      await vi.advanceTimersByTimeAsync(10);
    }
    await live.finish(words.join(' '));
    const messages = target.shown();
    expect(messages.join(' ').replace(/\s+/g, ' ')).toBe(words.join(' '));
    // One post per message, the early first message completed by one edit: no edit of a growing text.
    const posts = target.calls.filter((c) => c.startsWith('post')).length;
    const edits = target.calls.filter((c) => c.startsWith('edit')).length;
    expect(posts).toBe(messages.length);
    expect(edits).toBeLessThanOrEqual(1);
  });

  it('tells when the plan changes mode', async () => {
    const target = new MemoryTarget();
    let busy = false;
    const changes: string[] = [];
    const live = new LiveText(target, {
      maxLength: 2000,
      minEditIntervalMs: 10,
      plan: () => ({ mode: busy ? 'whole' : 'edit', intervalMs: 10, firstEarly: true }),
      onMode: (from, to) => changes.push(`${from}->${to}`),
    });
    live.append('a');
    await vi.advanceTimersByTimeAsync(20);
    busy = true;
    live.append('b');
    await vi.advanceTimersByTimeAsync(20);
    busy = false;
    live.append('c');
    await vi.advanceTimersByTimeAsync(20);
    await live.finish('abc');
    expect(changes).toEqual(['edit->whole', 'whole->edit']);
    expect(target.shown()).toEqual(['abc']);
  });
});
