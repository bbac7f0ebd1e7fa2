import { Writable } from 'node:stream';
import { DiscordAPIError } from 'discord.js';
import { describe, expect, it, vi } from 'vitest';
import { type ConversationKey, conversationKey } from '../../core/conversation.js';
import { createLogger } from '../../core/logger.js';
import type { ReplyEvent } from '../../core/reply-events.js';
import { AsyncQueue } from '../../orchestrator/async-queue.js';
import { KitRenderer } from '../kit/answer-renderer.js';
import { RateBudget } from '../kit/rate-budget.js';
import { DiscordSurface } from './discord-surface.js';
import type { DiscordPort, UploadFile } from './rest-port.js';
import { STOP_EMOJI } from './run-indicator.js';

/** Discord in memory: messages by id, every call recorded, failures on demand. */
class MemoryPort implements DiscordPort {
  readonly messages = new Map<string, { content: string; files: string[] }>();
  readonly calls: string[] = [];
  failPosts: ((content: string, files: readonly UploadFile[]) => unknown) | undefined;
  private next = 1;

  async post(channelId: string, content: string, files: readonly UploadFile[] = []) {
    this.calls.push(`post ${channelId}`);
    const failure = this.failPosts?.(content, files);
    if (failure) throw failure;
    const id = String(this.next++);
    this.messages.set(id, { content, files: files.map((f) => f.name) });
    return id;
  }
  async edit(_channel: string, id: string, content: string) {
    this.calls.push(`edit ${id}`);
    const message = this.messages.get(id);
    if (message) message.content = content;
  }
  async remove(_channel: string, id: string) {
    this.calls.push(`remove ${id}`);
    this.messages.delete(id);
  }
  async typing() {
    this.calls.push('typing');
  }
  async react(_channel: string, id: string, emoji: string) {
    this.calls.push(`react ${id} ${emoji}`);
  }
  async unreact(_channel: string, id: string, emoji: string) {
    this.calls.push(`unreact ${id} ${emoji}`);
  }
  async startThread(): Promise<string> {
    throw new Error('not used');
  }

  contents(): string[] {
    return [...this.messages.values()].map((m) => m.content);
  }
}

const apiError = (code: number, status: number) =>
  new DiscordAPIError(
    { code, message: 'Missing Permissions' },
    code,
    status,
    'POST',
    'https://discord.test/api/v10/x',
    {
      body: undefined,
      files: undefined,
    },
  );

function setup() {
  const port = new MemoryPort();
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(
    'debug',
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    }),
  );
  const answers = new Map<string, ConversationKey>();
  const surface = new DiscordSurface({
    port,
    budget: new RateBudget({ perSecond: 10_000, burst: 10_000 }),
    limits: { editIntervalMs: 5, maxUploadBytes: 100 },
    typingRefreshMs: 60_000,
    logger,
    answers,
  });
  const renderer = new KitRenderer(surface, 'full');
  const key = conversationKey('discord', 'c1', 't1');
  const render = (events: ReplyEvent[]) => {
    const queue = new AsyncQueue<ReplyEvent>();
    for (const event of events) queue.push(event);
    queue.close();
    return renderer.render({ channel: 't1', key }, queue);
  };
  return { port, lines, answers, renderer, key, render };
}

describe('the kit renderer on Discord', () => {
  it('shows notices, errors and endings as short lines of their own', async () => {
    const { port, render } = setup();
    await render([
      { type: 'notice', text: 'Attachment skipped: x.exe' },
      { type: 'error', code: 'internal', text: 'Something went wrong on my side.' },
      { type: 'done', ending: { kind: 'cancelled' }, notice: 'Stopped.' },
      { type: 'done', ending: { kind: 'timeout' }, notice: 'The answer took too long and was stopped.' },
    ]);
    expect(port.contents()).toEqual([
      'ℹ️ Attachment skipped: x.exe',
      '⚠️ Something went wrong on my side.',
      '⏹️ Stopped.',
      '⚠️ The answer took too long and was stopped.',
    ]);
  });

  it('keeps text that streamed when the run ends without a final version', async () => {
    const { port, render } = setup();
    await render([
      { type: 'text.delta', messageId: 'a', delta: 'Half an ' },
      { type: 'text.delta', messageId: 'a', delta: 'answer' },
      { type: 'done', ending: { kind: 'cancelled' }, notice: 'Stopped.' },
    ]);
    expect(port.contents()).toEqual(['Half an answer', '⏹️ Stopped.']);
  });

  it('puts ⏹️ on the first answer message while the run goes on, and takes it off after', async () => {
    const { port, answers, renderer, key } = setup();
    const queue = new AsyncQueue<ReplyEvent>();
    const rendering = renderer.render({ channel: 't1', key }, queue);
    queue.push({ type: 'text.done', messageId: 'a', text: 'First.', citations: [] });
    queue.push({ type: 'text.done', messageId: 'b', text: 'Second.', citations: [] });
    queue.push({ type: 'notice', text: 'flushed' });
    while (answers.size < 3) await new Promise((resolve) => setImmediate(resolve));
    expect([...answers.values()]).toEqual([key, key, key]);
    queue.close();
    await rendering;
    expect(answers.size).toBe(0);
    expect(port.calls.filter((c) => c.includes(STOP_EMOJI))).toEqual([
      `react 1 ${STOP_EMOJI}`,
      `unreact 1 ${STOP_EMOJI}`,
    ]);
  });

  it('stops posting once Discord refuses for good, with one clear log line', async () => {
    const { port, lines, render } = setup();
    port.failPosts = () => apiError(50013, 403);
    await render([
      { type: 'text.done', messageId: 'a', text: 'Nobody sees this.', citations: [] },
      { type: 'notice', text: 'nor this' },
      { type: 'done', ending: { kind: 'completed' } },
    ]);
    expect(port.calls.filter((c) => c.startsWith('post'))).toHaveLength(1);
    const refusals = lines.filter((l) => String(l.msg).startsWith('Discord refused to post the answer'));
    expect(refusals).toEqual([expect.objectContaining({ code: 50013, channel: 't1' })]);
    expect(JSON.stringify(lines)).not.toContain('discord.test');
  });

  it('leaves nothing retrying in the background once Discord refused the channel', async () => {
    vi.useFakeTimers();
    try {
      const { port, render } = setup();
      port.failPosts = () => apiError(50013, 403);
      const rendering = render([
        { type: 'text.delta', messageId: 'a', delta: 'never ' },
        { type: 'text.delta', messageId: 'a', delta: 'shown' },
        { type: 'notice', text: 'refused' },
      ]);
      await vi.advanceTimersByTimeAsync(50);
      await rendering;
      const attempts = port.calls.length;
      await vi.advanceTimersByTimeAsync(10_000);
      expect(port.calls.length).toBe(attempts);
    } finally {
      vi.useRealTimers();
    }
  });

  it('replaces an upload refused for lack of Attach Files, or too big, with a note', async () => {
    const { port, render } = setup();
    port.failPosts = (_content, files) => (files.length > 0 ? apiError(50013, 403) : undefined);
    await render([
      {
        type: 'file',
        file: { kind: 'image', name: 'chart', mimeType: 'image/png', bytes: new Uint8Array(10) },
      },
      {
        type: 'file',
        file: { kind: 'file', name: 'huge.csv', mimeType: 'text/csv', bytes: new Uint8Array(500) },
      },
    ]);
    expect(port.contents()).toEqual([
      '📎 I made chart.png, but I am not allowed to attach files in this channel.',
      '📎 huge.csv is 0.5 KB, too big to upload here (the limit is 0.1 KB).',
    ]);
  });

  it('adds footnotes with their links kept from unfurling', async () => {
    const { port, render } = setup();
    await render([
      {
        type: 'text.done',
        messageId: 'a',
        text: 'See [1].',
        citations: [{ index: 1, label: 'Docs', url: 'https://example.com/docs' }],
      },
    ]);
    expect(port.contents()).toEqual(['See [1].\n\n[1] Docs — <https://example.com/docs>']);
  });
});
