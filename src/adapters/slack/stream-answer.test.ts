import type { webApi } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { conversationKey } from '../../core/conversation.js';
import { silentLogger } from '../../core/logger.js';
import { isFenceBalanced } from '../../render/split.js';
import { editedText } from '../kit/text-part.js';
import { MAX_MARKDOWN_LENGTH } from './blocks.js';
import { SlackApi } from './slack-api.js';
import { SlackSurface } from './slack-surface.js';
import { chooseCut, StreamAnswer } from './stream-answer.js';

const FAST = { perSecond: 1e6, burst: 1e6 };
const RATES = { tier2: FAST, tier3: FAST, tier4: FAST, postPerChannel: FAST, special: FAST };
const ADDRESS = { team: 'T1', channel: 'C1', thread: '1.0', user: 'U1', surface: 'channel' as const };

/** A Web API client that keeps messages like Slack, with a hook to fail chosen calls. */
function fakeClient(
  fail: (method: string, args: Record<string, unknown>) => string | undefined = () => undefined,
) {
  const messages = new Map<string, { content: string; open: boolean; method: string }>();
  const calls: string[] = [];
  const waiting: { method: string; resolve: () => void }[] = [];
  let count = 0;
  const client = {
    apiCall: async (method: string, args: Record<string, unknown>) => {
      calls.push(method);
      for (const w of waiting.filter((w) => w.method === method)) w.resolve();
      const error = fail(method, args);
      if (error)
        throw Object.assign(new Error(error), { code: 'slack_webapi_platform_error', data: { error } });
      const ts = String(args.ts ?? `${++count}.0`);
      const message = messages.get(ts);
      const markdown = String(args.markdown_text ?? '');
      if (method === 'chat.startStream') messages.set(ts, { content: markdown, open: true, method });
      if (method === 'chat.appendStream' && message) message.content += markdown;
      if (method === 'chat.stopStream' && message) message.open = false;
      if (method === 'chat.postMessage') {
        messages.set(ts, {
          content: String((args.blocks as { text: string }[])[0]?.text),
          open: false,
          method,
        });
      }
      if (method === 'chat.update' && message)
        message.content = String((args.blocks as { text: string }[])[0]?.text);
      if (method === 'chat.delete') messages.delete(ts);
      return { ok: true, ts };
    },
  } as unknown as webApi.WebClient;
  /** Resolves once `method` has been called (already, or from now on). */
  const called = (method: string) =>
    calls.includes(method)
      ? Promise.resolve()
      : new Promise<void>((resolve) => waiting.push({ method, resolve }));
  return { client, messages, calls, called };
}

/** What a refused stream falls back to: the kit's edited messages in the same thread. */
function fallbackOf(api: SlackApi) {
  const surface = new SlackSurface({
    api,
    logger: silentLogger(),
    limits: { editIntervalMs: 1, maxUploadBytes: 1e9 },
    appendIntervalMs: 1,
  });
  const place = surface.place(
    { ...ADDRESS, key: 'slack:T1:C1:1.0' },
    conversationKey('slack', 'T1', 'C1', '1.0'),
  );
  if (!place) throw new Error('no place');
  return (onPosted: (ts: readonly string[]) => void) =>
    editedText(place, { maxLength: MAX_MARKDOWN_LENGTH, editIntervalMs: 1, onPosted });
}

function answer(client: webApi.WebClient, streaming = { refused: false, open: 0 }) {
  const api = new SlackApi(client, RATES, silentLogger());
  return new StreamAnswer({
    api,
    address: ADDRESS,
    streaming,
    appendIntervalMs: 1,
    fallback: fallbackOf(api),
    logger: silentLogger(),
  });
}

const shown = (messages: ReturnType<typeof fakeClient>['messages']) =>
  [...messages.values()].map((m) => m.content);

describe('chooseCut', () => {
  it('takes all the text when it fits', () => {
    expect(chooseCut('hello world', 100)).toEqual({ end: 11, next: 11, full: false });
  });

  it('prefers a paragraph, then a line, then a sentence, then a word', () => {
    const text = `${'a'.repeat(60)}\n\n${'b'.repeat(60)}`;
    expect(chooseCut(text, 100)).toEqual({ end: 60, next: 62, full: true });
    expect(chooseCut(`${'a'.repeat(60)}\n${'b'.repeat(60)}`, 100)).toMatchObject({ end: 60, next: 61 });
    expect(chooseCut(`${'a '.repeat(30)}end. ${'b'.repeat(60)}`, 100)).toMatchObject({ end: 64, next: 65 });
  });

  it('cuts anywhere but inside a surrogate pair when there is no boundary', () => {
    expect(chooseCut('x'.repeat(200), 100).end).toBe(100);
    expect(chooseCut(`${'x'.repeat(99)}😀${'x'.repeat(50)}`, 100).end).toBe(99);
  });
});

describe('StreamAnswer', () => {
  it('streams text into one message and ends the stream', async () => {
    const { client, messages, calls } = fakeClient();
    const a = answer(client);
    a.append('Hello ');
    a.append('world');
    await a.finish('Hello world');
    expect(shown(messages)).toEqual(['Hello world']);
    expect(calls.at(-1)).toBe('chat.stopStream');
    expect([...messages.values()].every((m) => !m.open)).toBe(true);
  });

  it('ends a full message at a boundary, balancing a code block cut in two', async () => {
    const { client, messages } = fakeClient();
    const text = `${'Intro sentence here. '.repeat(300)}\n\n\`\`\`js\n${'console.log(1);\n'.repeat(1500)}\`\`\`\nDone.`;
    const a = answer(client);
    for (let i = 0; i < text.length; i += 4000) a.append(text.slice(i, i + 4000));
    await a.finish(text);
    const parts = shown(messages);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(MAX_MARKDOWN_LENGTH);
      expect(isFenceBalanced(part)).toBe(true);
    }
    expect(parts.slice(1).some((p) => p.startsWith('```js\n'))).toBe(true);
    const strip = (s: string) => s.replace(/\n?```(js)?\n?/g, '').replace(/\s+/g, '');
    expect(strip(parts.join(''))).toBe(strip(text));
  });

  it('corrects streamed messages when the final text differs from what streamed', async () => {
    const { client, messages, calls, called } = fakeClient();
    const a = answer(client);
    a.append('25 days of leave.');
    await called('chat.startStream');
    await a.finish('25 days[1] of leave.\n\n[1] policy.md');
    expect(shown(messages)).toEqual(['25 days[1] of leave.\n\n[1] policy.md']);
    expect(calls).toContain('chat.update');
  });

  it('falls back to posting and updating when Slack refuses streams, and remembers for the app', async () => {
    const { client, messages } = fakeClient((method) =>
      method === 'chat.startStream' ? 'missing_scope' : undefined,
    );
    const streaming = { refused: false, open: 0 };
    const a = answer(client, streaming);
    a.append('plain ');
    a.append('messages');
    await a.finish('plain messages');
    expect(shown(messages)).toEqual(['plain messages']);
    expect([...messages.values()][0]?.method).toBe('chat.postMessage');
    expect(streaming.refused).toBe(true);
  });

  it('keeps a refusal for one channel to that answer', async () => {
    const { client } = fakeClient((method) =>
      method === 'chat.startStream' ? 'channel_type_not_supported' : undefined,
    );
    const streaming = { refused: false, open: 0 };
    const a = answer(client, streaming);
    await a.finish('text');
    expect(streaming.refused).toBe(false);
  });

  it('stops taking text when the user stopped the stream in Slack, and says so', async () => {
    let stopped = false;
    const { client, messages, called } = fakeClient((method) =>
      method === 'chat.appendStream' ? 'stopped_by_user' : undefined,
    );
    const api = new SlackApi(client, RATES, silentLogger());
    const a = new StreamAnswer({
      api,
      address: ADDRESS,
      streaming: { refused: false, open: 0 },
      appendIntervalMs: 1,
      fallback: fallbackOf(api),
      logger: silentLogger(),
      onStoppedByUser: () => {
        stopped = true;
      },
    });
    a.append('first');
    await called('chat.startStream');
    a.append(' second');
    await a.finish('first second');
    expect(stopped).toBe(true);
    expect(shown(messages)).toEqual(['first']);
  });
});
