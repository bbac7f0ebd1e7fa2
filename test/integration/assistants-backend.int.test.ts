import { getEventListeners } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import {
  byRound,
  chartFile,
  codeInterpreter,
  functionCall,
  hang,
  text,
  wait,
} from '../../src/model-server/index.js';
import { createStore } from '../../src/store/create-store.js';
import { answerText, Harness, ofType, restartAssistants } from '../contract/harness.js';

/** What only the Assistants backend does: its assistant object, polling, run steps, leftover runs. */

let h: Harness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('assistants backend: the assistant object', () => {
  it('creates the assistant once, finds it again after a restart, and updates it when the config changes', async () => {
    h = await Harness.start('assistants');
    const [created] = h.fake.assistants();
    expect(h.fake.assistants()).toHaveLength(1);
    expect(created?.metadata).toMatchObject({ threadloom: 'true' });
    expect(created?.tools.map((t) => t.type)).toEqual(['code_interpreter', 'file_search', 'function']);

    // A restart with the same store: the stored id is reused, nothing is created or updated.
    await restartAssistants(h.fake, h.store);
    expect(h.fake.assistants()).toHaveLength(1);
    expect(h.requestsTo('POST', /^\/assistants/)).toHaveLength(1);

    // New instructions: the same assistant is updated in place.
    await restartAssistants(h.fake, h.store, { instructions: 'Answer in French.' });
    expect(h.fake.assistants()).toHaveLength(1);
    expect(h.fake.assistants()[0]?.instructions).toBe('Answer in French.');
    expect(h.requestsTo('POST', new RegExp(`^/assistants/${created?.id}$`))).toHaveLength(1);
  });

  it('finds its assistant by name and marker when the store was lost', async () => {
    h = await Harness.start('assistants');
    const dir = mkdtempSync(join(tmpdir(), 'lost-store-'));
    const fresh = await createStore({ kind: 'sqlite', path: join(dir, 'store.sqlite') });
    try {
      await restartAssistants(h.fake, fresh);
      expect(h.fake.assistants()).toHaveLength(1);
      expect(h.requestsTo('POST', /^\/assistants$/)).toHaveLength(1);
      expect((await fresh.assistants.get('threadloom-test'))?.assistantId).toBe(h.fake.assistants()[0]?.id);
    } finally {
      await fresh.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uses ASSISTANT_ID as it is, and refuses to start when it does not exist', async () => {
    h = await Harness.start('assistants');
    const client = new OpenAI({ baseURL: h.fake.url, apiKey: 'test', maxRetries: 0 });
    const own = await client.beta.assistants.create({ model: 'gpt-x', instructions: 'Mine.' });
    await restartAssistants(h.fake, h.store, { id: own.id, instructions: 'Not these.' });
    expect(h.fake.assistants().find((a) => a.id === own.id)?.instructions).toBe('Mine.');
    expect(h.fake.assistants()).toHaveLength(2);
    await expect(restartAssistants(h.fake, h.store, { id: 'asst_missing' })).rejects.toMatchObject({
      status: 404,
    });
  });
});

describe('assistants backend: streaming and polling', () => {
  it('polls the run when the server cannot stream, and still answers in full', async () => {
    h = await Harness.start('assistants');
    h.fake.streamUnavailable = 'reject';
    h.fake.setScript(
      byRound(
        () => [
          codeInterpreter({ code: 'print(1)', logs: '1', images: [chartFile()] }),
          functionCall('current_time', {}),
        ],
        () => [text('The time is known.')],
      ),
    );
    const events = await h.ask('plot and tell the time');
    expect(answerText(events)).toBe('The time is known.');
    expect(ofType(events, 'tool').map((e) => e.call.kind)).toEqual(['code_interpreter', 'function']);
    expect(ofType(events, 'file')).toHaveLength(1);
    expect(h.requestsTo('GET', /\/runs\/run_[^/]+$/).length).toBeGreaterThan(0);
    // Polling fetches steps from its cursor: a step is never listed twice after it was reported.
    const stepLists = h.requestsTo('GET', /\/steps$/);
    expect(stepLists.some((r) => typeof r.query.after === 'string')).toBe(true);
  });

  it.each(['destroy', 'end', 'error'] as const)(
    'finishes the answer by polling when the stream is cut (%s), without repeating anything',
    async (how) => {
      h = await Harness.start('assistants');
      h.fake.streamUnavailable = { cutAfterEvents: 8, how };
      h.fake.setScript(() => [
        codeInterpreter({ code: 'x = 1', logs: 'ok' }),
        text('A long answer that streams in many small pieces.', { chunkSize: 4, delayMs: 5 }),
      ]);
      const events = await h.ask('go');
      expect(answerText(events)).toBe('A long answer that streams in many small pieces.');
      expect(ofType(events, 'text.done')).toHaveLength(1);
      expect(ofType(events, 'tool')).toHaveLength(1);
      expect(ofType(events, 'done')).toEqual([{ type: 'done', ending: { kind: 'completed' } }]);
      expect(h.requestsTo('GET', /\/runs\/run_[^/]+$/).length).toBeGreaterThan(0);
    },
  );

  it('honours openai-poll-after-ms instead of polling faster', async () => {
    h = await Harness.start('assistants', { polling: { initialMs: 10, maxMs: 10 } });
    h.fake.streamUnavailable = 'reject';
    h.fake.pollAfterMs = 150;
    h.fake.setScript(() => [wait(600), text('slow answer')]);
    const events = await h.ask('go');
    expect(answerText(events)).toBe('slow answer');
    // At 10 ms the run would be fetched about 60 times; at the server's 150 ms, about 5.
    expect(h.requestsTo('GET', /\/runs\/run_[^/]+$/).length).toBeLessThanOrEqual(8);
  });

  it('leaves no listeners behind on the run’s signal however often it polls', async () => {
    h = await Harness.start('assistants', { polling: { initialMs: 5, maxMs: 5 } });
    h.fake.streamUnavailable = 'reject';
    h.fake.pollAfterMs = 5;
    h.fake.setScript(() => [wait(800), text('done')]);
    const threadId = await h.backend.createThread(h.key);
    const controller = new AbortController();
    const run = h.backend.startRun({
      key: h.key,
      threadId,
      messages: [{ text: 'go', files: [] }],
      signal: controller.signal,
    });
    const kinds: string[] = [];
    for await (const event of run) kinds.push(event.type);
    expect(kinds.at(-1)).toBe('ended');
    // Enough polls that a listener left per request would show (a loaded machine polls fewer times).
    expect(h.requestsTo('GET', /\/runs\/run_[^/]+$/).length).toBeGreaterThan(5);
    // openai-node leaves one listener per request on the signal it is given (openai/openai-node#1811).
    expect(getEventListeners(controller.signal, 'abort').length).toBeLessThanOrEqual(1);
  });

  it('gives up a stream that goes silent and finishes the answer by polling', async () => {
    h = await Harness.start('assistants', { run: { streamStallMs: 300 } });
    const answer = 'An answer whose stream goes quiet halfway through.';
    h.fake.setScript(() => [text(answer, { chunkSize: 4, delayMs: 2 })]);
    h.fake.streamUnavailable = { cutAfterEvents: 8, how: 'stall' };
    const events = await h.ask('go');
    expect(answerText(events)).toBe(answer);
    expect(ofType(events, 'text.done')).toHaveLength(1);
    expect(h.requestsTo('GET', /\/runs\/run_[^/]+$/).length).toBeGreaterThan(0);
  });

  it('follows run-step pagination while polling', async () => {
    h = await Harness.start('assistants', { polling: { stepPageSize: 1 } });
    h.fake.streamUnavailable = 'reject';
    h.fake.setScript(() => [
      codeInterpreter({ code: 'a = 1' }),
      codeInterpreter({ code: 'b = 2' }),
      codeInterpreter({ code: 'c = 3' }),
      text('three steps'),
    ]);
    const events = await h.ask('go');
    expect(
      ofType(events, 'tool').map((e) => (e.call.kind === 'code_interpreter' ? e.call.code : '')),
    ).toEqual(['a = 1', 'b = 2', 'c = 3']);
    expect(answerText(events)).toBe('three steps');
  });

  it('reports an expired run when its required action is not answered in time', async () => {
    h = await Harness.start('assistants');
    h.fake.requiresActionExpiryMs = 100;
    h.fake.setScript(() => [hang()]);
    const events = await h.ask('slow');
    expect(ofType(events, 'done')[0]).toMatchObject({
      ending: { kind: 'expired' },
      notice: expect.stringMatching(/expired/),
    });
  });
});

describe('assistants backend: messages and files', () => {
  it('sends data files to the code interpreter, documents to file search and pictures inline', async () => {
    h = await Harness.start('assistants');
    h.fake.setScript((ctx) => [text(ctx.files.map((f) => `${f.name}:${f.tools.join('+')}`).join(' '))]);
    const png = chartFile();
    const events = await h.ask('look at these', [
      { name: 'data.csv', mimeType: 'text/csv', bytes: new TextEncoder().encode('a,b\n1,2\n') },
      { name: 'notes.pdf', mimeType: 'application/pdf', bytes: new TextEncoder().encode('%PDF-1.4') },
      { name: 'chart.png', mimeType: 'image/png', bytes: png.bytes },
    ]);
    expect(answerText(events)).toBe('data.csv:code_interpreter notes.pdf:file_search');
    const threadId = (await h.store.threads.get(h.key))?.threadId ?? '';
    const [message] = h.fake.messages(threadId);
    expect(message?.content.map((c) => c.type)).toEqual(['text', 'image_file']);
    expect(h.fake.files().map((f) => [f.filename, f.purpose])).toEqual([
      ['data.csv', 'assistants'],
      ['notes.pdf', 'assistants'],
      ['chart.png', 'vision'],
    ]);
  });

  it('cancels a run left over from before a restart instead of failing with a 400', async () => {
    h = await Harness.start('assistants');
    h.fake.setScript(() => [text('first')]);
    await h.ask('hello');
    const threadId = (await h.store.threads.get(h.key))?.threadId ?? '';
    const client = new OpenAI({ baseURL: h.fake.url, apiKey: 'test', maxRetries: 0 });
    // The leftover run hangs; the next turn's run answers.
    h.fake.setScript((ctx) =>
      ctx.userMessages.includes('are you there?') ? [text('after the leftover')] : [hang()],
    );
    const leftover = await client.beta.threads.runs.create(threadId, {
      assistant_id: h.fake.assistants()[0]?.id ?? '',
    });
    const events = await h.ask('are you there?');
    expect(answerText(events)).toBe('after the leftover');
    expect(h.fake.run(leftover.id)?.status).toBe('cancelled');
    // The refused start added nothing: the question is on the thread once.
    const questions = h.fake.messages(threadId).filter((m) => m.role === 'user');
    expect(
      questions.map((m) => m.content.map((c) => (c.type === 'text' ? c.text.value : c.type)).join()),
    ).toEqual(['hello', 'are you there?']);
  });

  it('starts the run with the question on it: one request to the service for a plain answer', async () => {
    h = await Harness.start('assistants');
    h.fake.setScript(() => [text('first')]);
    await h.ask('hello');
    const before = h.fake.requests.length;
    h.fake.setScript((ctx) => [text(`you said ${ctx.userMessages.at(-1)}`)]);
    const events = await h.ask('again');
    expect(answerText(events)).toBe('you said again');
    expect(
      h.fake.requests
        .slice(before)
        .map((r) => `${r.method} ${r.path.replace(/\/(thread|run)_\w+/g, '/{id}')}`),
    ).toEqual(['POST /threads/{id}/runs']);
  });
});
