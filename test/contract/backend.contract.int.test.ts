import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BackendName } from '../../src/backends/backend.js';
import {
  byRound,
  chartFile,
  citation,
  codeInterpreter,
  failed,
  filePath,
  functionCall,
  functionCalls,
  hang,
  incomplete,
  parabolaPng,
  type ScriptContext,
  squaresCsv,
  text,
} from '../../src/model-server/index.js';
import { answerText, Harness, ofType } from './harness.js';

/**
 * The contract every backend passes: the same scenarios, through the orchestrator and the real SDK,
 * against the fake server speaking that backend's API.
 */
const BACKENDS: BackendName[] = ['assistants', 'responses'];

describe.each(BACKENDS)('backend contract: %s', (backendName) => {
  let h: Harness;

  beforeAll(async () => {
    h = await Harness.start(backendName);
  });

  afterAll(async () => {
    await h.close();
  });

  beforeEach(async () => {
    await h.orchestrator.reset(h.key);
  });

  it('streams a plain text answer and ends completed', async () => {
    h.fake.setScript(() => [text('Hello there, how can I help?', { chunkSize: 5 })]);
    const events = await h.ask('hello');
    expect(ofType(events, 'text.delta').length).toBeGreaterThan(1);
    expect(
      ofType(events, 'text.delta')
        .map((e) => e.delta)
        .join(''),
    ).toBe('Hello there, how can I help?');
    expect(answerText(events)).toBe('Hello there, how can I help?');
    expect(ofType(events, 'done')).toEqual([{ type: 'done', ending: { kind: 'completed' } }]);
    expect(ofType(events, 'usage')[0]?.usage.outputTokens).toBeGreaterThan(0);
  });

  it('remembers the conversation across turns on one assistant thread', async () => {
    let seen: ScriptContext | undefined;
    h.fake.setScript((ctx) => {
      seen = ctx;
      return [text(`turn ${ctx.history.length}`)];
    });
    await h.ask('first');
    await h.ask('second');
    expect(seen?.history.map((m) => m.text)).toEqual(['first', 'turn 0']);
  });

  it('shows the code the interpreter ran, its logs, and the chart as a PNG', async () => {
    h.fake.setScript(() => [
      codeInterpreter({ code: 'plt.plot(x, x**2)', logs: 'saved chart', images: [chartFile()] }),
      text('Here is the chart.'),
    ]);
    const events = await h.ask('plot y=x^2');
    expect(ofType(events, 'tool').map((e) => e.call)).toEqual([
      expect.objectContaining({ kind: 'code_interpreter', code: 'plt.plot(x, x**2)', logs: 'saved chart' }),
    ]);
    const images = ofType(events, 'file').map((e) => e.file);
    expect(images).toHaveLength(1);
    expect(images[0]).toMatchObject({ kind: 'image', mimeType: 'image/png' });
    expect(
      Buffer.from(images[0]?.bytes ?? [])
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    expect(Buffer.from(images[0]?.bytes ?? []).equals(Buffer.from(parabolaPng()))).toBe(true);
    expect(answerText(events)).toBe('Here is the chart.');
  });

  it('delivers a generated CSV as a file and names it in the text', async () => {
    const csv = squaresCsv();
    h.fake.setScript(() => [
      codeInterpreter({ code: 'df.to_csv("/mnt/data/squares.csv")', files: [csv] }),
      text('Download [squares.csv](sandbox:/mnt/data/squares.csv).', {
        annotations: [filePath('sandbox:/mnt/data/squares.csv', csv)],
      }),
    ]);
    const events = await h.ask('make a csv of squares');
    const files = ofType(events, 'file').map((e) => e.file);
    expect(files.map((f) => [f.kind, f.name])).toEqual([['file', 'squares.csv']]);
    expect(Buffer.from(files[0]?.bytes ?? []).toString()).toBe(Buffer.from(csv.bytes).toString());
    expect(answerText(events)).toBe('Download [squares.csv](squares.csv).');
  });

  it('turns file search citations into numbered footnotes with the file name', async () => {
    const doc = h.fake.addFile({ filename: 'handbook.pdf', bytes: '%PDF holidays' }).id;
    h.fake.setScript(() => [
      text('We have 25 days of leave【4:0†handbook.pdf】.', {
        annotations: [citation('【4:0†handbook.pdf】', doc)],
      }),
    ]);
    const events = await h.ask('how many days of leave?');
    const done = ofType(events, 'text.done')[0];
    expect(done?.text).toBe('We have 25 days of leave[1].');
    expect(done?.citations).toEqual([{ index: 1, label: 'handbook.pdf' }]);
    expect(
      ofType(events, 'text.delta')
        .map((e) => e.delta)
        .join(''),
    ).not.toContain('【');
  });

  it('runs two rounds of function calls and answers with their results', async () => {
    const rounds: ScriptContext[] = [];
    h.fake.setScript(
      byRound(
        (ctx) => {
          rounds.push(ctx);
          return [
            functionCalls(
              { name: 'current_time', arguments: { timezone: 'Asia/Tokyo' } },
              { name: 'current_time', arguments: { timezone: 'Europe/Paris' } },
            ),
          ];
        },
        (ctx) => {
          rounds.push(ctx);
          return [functionCall('current_time', {})];
        },
        (ctx) => {
          rounds.push(ctx);
          return [text('Done.')];
        },
      ),
    );
    const events = await h.ask('what time is it in Tokyo and Paris?');
    expect(rounds[1]?.toolOutputs.map((o) => JSON.parse(o.output).timezone)).toEqual([
      'Asia/Tokyo',
      'Europe/Paris',
    ]);
    expect(rounds[2]?.toolOutputs.map((o) => JSON.parse(o.output).timezone)).toEqual(['UTC']);
    expect(ofType(events, 'tool').filter((e) => e.call.kind === 'function')).toHaveLength(3);
    expect(answerText(events)).toBe('Done.');
  });

  it('tells the model about an unknown function and invalid arguments, and still answers', async () => {
    let outputs: readonly string[] = [];
    h.fake.setScript(
      byRound(
        () => [
          functionCalls(
            { name: 'delete_everything', arguments: {} },
            { name: 'current_time', arguments: '{"timezone": 7}' },
            { name: 'current_time', arguments: '{not json' },
          ),
        ],
        (ctx) => {
          outputs = ctx.toolOutputs.map((o) => o.output);
          return [text('Sorry, I could not do that.')];
        },
      ),
    );
    const events = await h.ask('wipe it all');
    expect(outputs).toEqual([
      expect.stringMatching(/unknown function.*delete_everything/i),
      expect.stringMatching(/^Error[\s\S]*timezone/),
      expect.stringMatching(/^Error.*JSON/i),
    ]);
    expect(answerText(events)).toBe('Sorry, I could not do that.');
  });

  it('queues messages sent during a run and answers them together in the next run', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const turns: string[][] = [];
    h.fake.setScript(async (ctx) => {
      turns.push([...ctx.userMessages]);
      if (ctx.text === 'first') await gate;
      return [text(`answer to ${ctx.userMessages.join(' & ')}`)];
    });
    const before = h.renderer.renders.length;
    expect(await h.submit('first')).toBe('started');
    await h.renderer.waitFor(() =>
      Boolean(h.renderer.renders[before]?.events.some((e) => e.type === 'run.started')),
    );
    expect(await h.submit('second')).toBe('queued');
    expect(await h.submit('third')).toBe('queued');
    release();
    await h.orchestrator.idle();
    expect(turns).toEqual([['first'], ['second', 'third']]);
    const answers = ofType(h.renderer.allEvents(), 'text.done').map((e) => e.text);
    expect(answers.slice(-2)).toEqual(['answer to first', 'answer to second & third']);
  });

  it('cancels an active run at the service', async () => {
    h.fake.setScript(() => [text('Thinking…'), hang()]);
    const before = h.renderer.renders.length;
    await h.submit('think forever');
    await h.renderer.waitFor(() =>
      Boolean(h.renderer.renders[before]?.events.some((e) => e.type === 'text.delta')),
    );
    expect(await h.orchestrator.cancel(h.key)).toBe(true);
    await h.orchestrator.idle();
    const done = ofType(h.renderer.allEvents(), 'done').at(-1);
    expect(done).toMatchObject({ ending: { kind: 'cancelled' }, notice: 'Stopped.' });
    const runId = ofType(h.renderer.allEvents(), 'run.started').at(-1)?.runId ?? '';
    await h.fake.waitFor(() => h.fake.statusOf(runId) === 'cancelled', {
      what: 'the run to be cancelled',
    });
  });

  it('leaves a run going at shutdown, and the next start finishes its answer whole, once', async () => {
    const first = await Harness.start(backendName);
    try {
      const whole = 'The whole answer, streamed in small pieces, survives a restart.';
      first.fake.setScript(() => [text(whole, { chunkSize: 4, delayMs: 15 })]);
      await first.submit('go');
      await first.renderer.waitFor(() => ofType(first.renderer.allEvents(), 'text.delta').length > 0);
      await first.orchestrator.stop(0);
      const runId = ofType(first.renderer.allEvents(), 'run.started')[0]?.runId ?? '';
      expect(ofType(first.renderer.allEvents(), 'done')).toEqual([]);
      expect(await first.store.runs.get(first.key)).toMatchObject({ runId });

      const before = first.renderer.renders.length;
      const second = await first.restart();
      await second.idle();
      const resumed = first.renderer.renders.slice(before).flatMap((r) => r.events);
      expect(answerText(resumed)).toBe(whole);
      expect(ofType(resumed, 'done')).toEqual([{ type: 'done', ending: { kind: 'completed' } }]);
      // Not cancelled, not run twice: the one run (or response) finished at the service.
      expect(first.fake.statusOf(runId)).toBe('completed');
      expect(first.requestsTo('POST', /\/(runs|responses)$/)).toHaveLength(1);
      expect(await first.store.runs.get(first.key)).toBeUndefined();
    } finally {
      await first.close();
    }
  });

  it('stops a run past RUN_TIMEOUT_MS and says it timed out', async () => {
    const slow = await Harness.start(backendName, { run: { timeoutMs: 300 } });
    try {
      slow.fake.setScript(() => [hang()]);
      const events = await slow.ask('take your time');
      expect(ofType(events, 'done')).toEqual([
        { type: 'done', ending: { kind: 'timeout' }, notice: expect.stringMatching(/too long/) },
      ]);
      const runId = ofType(events, 'run.started')[0]?.runId ?? '';
      await slow.fake.waitFor(() => slow.fake.statusOf(runId) === 'cancelled', { what: 'cancelled run' });
    } finally {
      await slow.close();
    }
  });

  it.each([
    [
      'incomplete',
      () => [text('Part of'), incomplete('max_output_tokens')],
      'incomplete',
      /maximum answer length/,
    ],
    [
      'failed',
      () => [failed('Something in /srv/model went wrong', 'server_error')],
      'failed',
      /internal error/,
    ],
  ] as const)('ends %s with a clear notice and no internals', async (_name, script, kind, notice) => {
    h.fake.setScript(script);
    const events = await h.ask('go');
    const done = ofType(events, 'done')[0];
    expect(done?.ending.kind).toBe(kind);
    expect(done?.notice).toMatch(notice);
    expect(JSON.stringify(events)).not.toContain('/srv/model');
  });

  it('rides out a 429 and a 500 with the SDK’s retries', async () => {
    const retrying = await Harness.start(backendName, { maxRetries: 2 });
    try {
      retrying.fake.setScript(() => [text('made it')]);
      retrying.fake.failNext('POST', /\/(runs|responses)$/, 429, undefined, { 'retry-after-ms': '20' });
      retrying.fake.failNext('POST', /\/(runs|responses)$/, 500);
      const events = await retrying.ask('hello');
      expect(answerText(events)).toBe('made it');
      expect(retrying.fake.pendingFaults).toBe(0);
    } finally {
      await retrying.close();
    }
  });

  it('gives a clear error when the service keeps failing, and the next message works', async () => {
    h.fake.setScript(() => [text('back again')]);
    h.fake.failNext('POST', /\/(runs|responses)$/, 500);
    const failedTurn = await h.ask('first try');
    expect(ofType(failedTurn, 'error')).toEqual([
      { type: 'error', code: 'model_service_error', text: expect.stringMatching(/assistant service/) },
    ]);
    expect(answerText(await h.ask('second try'))).toBe('back again');
  });
});
