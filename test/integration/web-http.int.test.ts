import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebAdapter } from '../../src/adapters/web/web-adapter.js';
import { conversationKey } from '../../src/core/conversation.js';
import { silentLogger } from '../../src/core/logger.js';
import { chartFile, codeInterpreter, hang, squaresCsv, text } from '../../src/model-server/index.js';
import { PEOPLE, startWebBot, type WebBot } from '../support/web-bot.js';
import { PageTranscript, WebClient } from '../support/web-client.js';

/** The web chat's HTTP rules, as a page and as an attacker meet them. */

let bot: WebBot;
let base: string;
let alice: WebClient;

beforeAll(async () => {
  bot = await startWebBot({ maxAttachmentBytes: 1024 });
  base = bot.url.replace(/\/$/, '');
  alice = new WebClient(() => base, { authorization: `Bearer ${PEOPLE.alice}` });
});
afterAll(() => bot.close());

/** Sends a message and resolves with the conversation once its answer has ended. */
async function answered(id: string, text: string) {
  const transcript = new PageTranscript();
  let stream: Awaited<ReturnType<WebClient['follow']>> | undefined;
  await new Promise<void>((resolve, reject) => {
    alice
      .follow(id, 0, (event, position) => {
        transcript.apply(event, position);
        if (event.type === 'running' && !event.running) resolve();
      })
      .then((s) => {
        stream = s;
        return alice.send(id, crypto.randomUUID(), text);
      })
      .catch(reject);
  });
  stream?.close();
  return transcript;
}

describe('the web chat over HTTP', () => {
  it('serves pictures inline and every other file as a sandboxed download', async () => {
    bot.core.fake.setScript(() => [
      codeInterpreter({ code: 'plot()', logs: '', images: [chartFile()], files: [squaresCsv()] }),
      text('Done.'),
    ]);
    const id = await alice.createConversation();
    const files = (await answered(id, 'make files'))
      .shown()
      .flatMap((m) => (m.kind === 'file' ? [m.file] : []));
    const headersOf = async (name: string) => {
      const ref = files.find((f) => f.name === name);
      const response = await fetch(`${base}/api/conversations/${id}/files/${ref?.id}`, {
        headers: { authorization: `Bearer ${PEOPLE.alice}` },
      });
      await response.arrayBuffer();
      return Object.fromEntries(response.headers);
    };
    expect(await headersOf('chart.png')).toMatchObject({
      'content-type': 'image/png',
      'content-disposition': "inline; filename*=UTF-8''chart.png",
      'content-security-policy': "default-src 'none'; sandbox",
      'x-content-type-options': 'nosniff',
    });
    expect(await headersOf('squares.csv')).toMatchObject({
      'content-type': 'application/octet-stream',
      'content-disposition': "attachment; filename*=UTF-8''squares.csv",
    });
  });

  it('refuses writes a page of another site could make', async () => {
    const id = await alice.createConversation();
    const post = (headers: Record<string, string>, body = '{"id":"x1","text":"hi"}') =>
      fetch(`${base}/api/conversations/${id}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${PEOPLE.alice}`, ...headers },
        body,
      }).then(async (r) => [r.status, ((await r.json()) as { error: string }).error]);
    expect(await post({ 'content-type': 'application/json' })).toEqual([
      403,
      'writes need the x-threadloom header (sent by the page)',
    ]);
    const json = { 'content-type': 'application/json', 'x-threadloom': '1' };
    expect(await post({ ...json, origin: 'https://evil.example' })).toEqual([
      403,
      'cross-origin requests are refused',
    ]);
    expect(await post({ ...json, 'sec-fetch-site': 'cross-site' })).toEqual([
      403,
      'cross-site requests are refused',
    ]);
    expect(await post({ 'content-type': 'text/plain', 'x-threadloom': '1' })).toEqual([
      415,
      'send JSON (Content-Type: application/json)',
    ]);
    expect(await post(json, '{not json')).toEqual([400, 'the body is not valid JSON']);
    expect(await post(json, JSON.stringify({ id: 'x2', text: 'a'.repeat(32_001) }))).toEqual([
      413,
      'a message may have at most 32,000 characters',
    ]);
    expect(await post(json, JSON.stringify({ id: 'not an id!', text: 'hi' }))).toEqual([
      400,
      'id must be the message’s own id (letters, digits, -)',
    ]);
  });

  it('checks an upload’s type and size before its bytes, and its bytes against the limit', async () => {
    const id = await alice.createConversation();
    const claim = (name: string, size: number) =>
      alice.ok('POST', `conversations/${id}/uploads`, { name, type: 'text/csv', size });
    expect(await claim('big.csv', 4096)).toMatchObject({
      refused: 'big.csv is 0.0 MB; the limit is 0.0 MB.',
    });
    expect((await claim('tool.exe', 10)).refused).toMatch(/^tool\.exe: this file type is not supported/);
    const { status } = await alice.call('PUT', `conversations/${id}/uploads/no-such-upload`);
    expect(status).toBe(404);
    expect(
      (await alice.call('POST', `conversations/${id}/messages`, { id: 'm1', text: 'hi', uploads: ['nope'] }))
        .status,
    ).toBe(400);
    const sent = await alice.upload(id, {
      name: 'liar.csv',
      bytes: new Uint8Array(5000).fill(65),
      mimeType: 'text/csv',
      declaredSize: 10,
    });
    expect(sent.sent).toBe(false);
  });

  it('answers unknown paths 404 and another user’s conversation 403', async () => {
    const id = await alice.createConversation();
    const bob = new WebClient(() => base, { authorization: `Bearer ${PEOPLE.bob}` });
    expect((await bob.call('GET', `conversations/${id}`)).status).toBe(403);
    expect((await bob.call('DELETE', `conversations/${id}`)).status).toBe(403);
    expect((await bob.call('GET', 'conversations/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    expect((await bob.call('GET', 'nothing-here')).status).toBe(404);
    expect((await bob.call('GET', 'conversations/%E0%A4%A')).status).toBe(400);
    expect((await alice.call('DELETE', `conversations/${id}`)).status).toBe(200);
    expect((await alice.call('GET', `conversations/${id}`)).status).toBe(404);
  });

  it('says Stop stopped nothing where nothing runs; forgets a conversation deleted while its answer streams', async () => {
    bot.core.fake.setScript(() => [text('Thinking hard about this one.'), hang()]);
    const id = await alice.createConversation();
    const transcript = new PageTranscript();
    let streaming: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      streaming = resolve;
    });
    const stream = await alice.follow(id, 0, (event, position) => {
      transcript.apply(event, position);
      if (transcript.shown().some((m) => m.kind === 'answer' && m.text.includes('Thinking'))) streaming();
    });
    await alice.send(id, 'd1', 'a long job');
    await started;
    const other = await alice.createConversation();
    expect(await alice.ok('POST', `conversations/${other}/stop`)).toEqual({ stopped: false });
    expect((await alice.call('DELETE', `conversations/${id}`)).status).toBe(200);
    await bot.core.orchestrator.idle();
    stream.close();
    expect(await bot.core.store.web.events(conversationKey('web', 'alice', id), 0, 100)).toEqual([]);
    expect((await bot.core.store.web.list('alice')).map((c) => c.id)).not.toContain(id);
  });

  it('in loopback mode, answers this machine under a loopback name only', async () => {
    const adapter = new WebAdapter(
      { basePath: '/chat', auth: { mode: 'loopback' } },
      {
        deps: { orchestrator: bot.core.port, store: bot.core.store, logger: silentLogger() },
        toolDisplay: 'full',
        maxAttachmentBytes: 1024,
      },
    );
    await adapter.start();
    try {
      const url = adapter.url ?? '';
      expect((await fetch(url)).status).toBe(200);
      // fetch will not send another Host; node:http sends what a DNS-rebound page's browser would.
      const rebound = await new Promise<number>((resolve, reject) =>
        get(url, { headers: { host: 'evil.example' } }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        }).on('error', reject),
      );
      expect(rebound).toBe(403);
    } finally {
      await adapter.stop();
    }
  });

  it('answers 503 with a line for the person while the store cannot be reached', async () => {
    const other = await startWebBot();
    try {
      await other.core.store.close();
      const client = new WebClient(() => other.url.replace(/\/$/, ''), {
        authorization: `Bearer ${PEOPLE.alice}`,
      });
      const { status, body } = await client.call('GET', 'conversations');
      expect(status).toBe(503);
      expect(body.error).toBe('I could not reach my memory store. Please try again in a moment.');
    } finally {
      await other.close();
    }
  });
});
