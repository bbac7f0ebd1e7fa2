import { describe, expect, it } from 'vitest';
import {
  eventsOfType,
  testMessage,
  useOrchestratorFixture,
} from '../../../test/support/orchestrator-fixture.js';
import { ScriptedBackend } from '../../../test/support/scripted-backend.js';

const t = useOrchestratorFixture();

describe('A turn through the orchestrator', () => {
  it('runs each round of function calls and submits exactly that round’s outputs', async () => {
    const backend = new ScriptedBackend(async function* (io) {
      yield {
        type: 'action.required',
        calls: [
          { callId: 'c1', name: 'current_time', arguments: '{"timezone":"Asia/Tokyo"}' },
          { callId: 'c2', name: 'launch_rockets', arguments: '{}' },
          { callId: 'c3', name: 'current_time', arguments: '{"timezone":42}' },
        ],
      };
      const first = io.outputs;
      yield { type: 'action.required', calls: [{ callId: 'c4', name: 'current_time', arguments: '' }] };
      yield {
        type: 'text.done',
        itemId: 'm',
        text: `${first?.length} then ${io.outputs?.length}`,
        annotations: [],
      };
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const o = t.orchestrator(backend);
    await o.submit(testMessage('1'));
    await o.idle();
    expect(backend.submitted.map((round) => round.map((o) => o.callId))).toEqual([
      ['c1', 'c2', 'c3'],
      ['c4'],
    ]);
    const [tokyo, unknown, invalid] = backend.submitted[0] ?? [];
    expect(JSON.parse(tokyo?.output ?? '')).toMatchObject({ timezone: 'Asia/Tokyo' });
    expect(unknown?.output).toMatch(/unknown function.*launch_rockets/i);
    expect(invalid?.output).toMatch(/^Error/);
    expect(backend.submitted[1]?.[0]?.output).toMatch(/"timezone":"UTC"/);
    // Calls of one round run in parallel, so their events come in the order they finish.
    const tools = eventsOfType(t.renderer.allEvents(), 'tool')
      .map((e) => e.call)
      .sort((a, b) => a.id.localeCompare(b.id));
    expect(tools.map((c) => (c.kind === 'function' ? [c.id, c.name, c.isError] : c.kind))).toEqual([
      ['c1', 'current_time', false],
      ['c2', 'launch_rockets', true],
      ['c3', 'current_time', true],
      ['c4', 'current_time', false],
    ]);
  });

  it('turns a backend failure into a short error message, never the exception text', async () => {
    const backend = new ScriptedBackend(async function* () {
      yield { type: 'run.created', checkpoint: { runId: 'run_1' } };
      throw new Error('socket hang up at 10.0.0.1 with key sk-secret');
    });
    const o = t.orchestrator(backend);
    await o.submit(testMessage('1'));
    await o.idle();
    const errors = eventsOfType(t.renderer.allEvents(), 'error');
    expect(errors).toEqual([{ type: 'error', code: 'internal', text: expect.any(String) }]);
    expect(JSON.stringify(t.renderer.allEvents())).not.toContain('sk-secret');
    // The conversation is usable afterwards.
    backend.script = async function* () {
      yield { type: 'ended', ending: { kind: 'completed' } };
    };
    await o.submit(testMessage('2'));
    await o.idle();
    expect(eventsOfType(t.renderer.allEvents(), 'done')).toHaveLength(1);
  });

  it('removes raw citation markers while streaming and numbers them in the final text', async () => {
    const backend = new ScriptedBackend(async function* () {
      yield { type: 'text.delta', itemId: 'm', delta: 'Revenue grew【4:0' };
      yield { type: 'text.delta', itemId: 'm', delta: '†report.pdf】.' };
      yield {
        type: 'text.done',
        itemId: 'm',
        text: 'Revenue grew【4:0†report.pdf】.',
        annotations: [{ text: '【4:0†report.pdf】', citation: { label: 'report.pdf' } }],
      };
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const o = t.orchestrator(backend);
    await o.submit(testMessage('1'));
    await o.idle();
    const streamed = eventsOfType(t.renderer.allEvents(), 'text.delta')
      .map((e) => e.delta)
      .join('');
    expect(streamed).toBe('Revenue grew.');
    const done = eventsOfType(t.renderer.allEvents(), 'text.done')[0];
    expect(done?.text).toBe('Revenue grew[1].');
    expect(done?.citations).toEqual([{ index: 1, label: 'report.pdf' }]);
  });

  it('delivers each generated file once, however often it is referenced', async () => {
    const backend = new ScriptedBackend(async function* () {
      yield { type: 'file', kind: 'image', ref: { fileId: 'img' } };
      yield { type: 'file', kind: 'image', ref: { fileId: 'img' } };
      yield {
        type: 'text.done',
        itemId: 'm',
        text: 'See [data](sandbox:/mnt/data/data.csv)',
        annotations: [{ text: 'sandbox:/mnt/data/data.csv', file: { fileId: 'csv', name: 'data.csv' } }],
      };
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    backend.files.set('img', {
      kind: 'image',
      name: 'chart.png',
      mimeType: 'image/png',
      bytes: new Uint8Array([1]),
    });
    backend.files.set('csv', {
      kind: 'file',
      name: 'data.csv',
      mimeType: 'text/csv',
      bytes: new Uint8Array([2]),
    });
    const o = t.orchestrator(backend);
    await o.submit(testMessage('1'));
    await o.idle();
    expect(eventsOfType(t.renderer.allEvents(), 'file').map((e) => [e.file.name, e.file.kind])).toEqual([
      ['chart.png', 'image'],
      ['data.csv', 'file'],
    ]);
    expect(eventsOfType(t.renderer.allEvents(), 'text.done')[0]?.text).toBe('See [data](data.csv)');
  });

  it('refuses an oversized or unsupported attachment with a notice and runs without it', async () => {
    const backend = new ScriptedBackend(async function* () {
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const o = t.orchestrator(backend);
    const files = [
      { name: 'big.csv', mimeType: 'text/csv', bytes: new Uint8Array(2048) },
      { name: 'tool.exe', mimeType: 'application/octet-stream', bytes: new Uint8Array(10) },
      { name: 'ok.csv', mimeType: 'text/csv', bytes: new Uint8Array(10) },
    ];
    await o.submit(testMessage('1', 'analyse', { files }));
    await o.idle();
    const notices = eventsOfType(t.renderer.allEvents(), 'notice').map((e) => e.text);
    expect(notices).toEqual([
      expect.stringMatching(/big\.csv is .*limit/),
      expect.stringMatching(/tool\.exe.*not supported/),
    ]);
    expect(backend.runs[0]?.messages[0]?.files).toEqual([
      { fileId: 'file_1', name: 'ok.csv', use: 'code_interpreter' },
    ]);
  });

  it.each([
    [{ kind: 'incomplete', reason: 'max_output_tokens' } as const, /maximum answer length/],
    [
      { kind: 'failed', code: 'server_error', message: 'internal at /srv/x.py:12' } as const,
      /internal error/,
    ],
    [{ kind: 'expired' } as const, /expired/],
  ])('gives every ending a user-facing notice: %o', async (ending, notice) => {
    const backend = new ScriptedBackend(async function* () {
      yield { type: 'ended', ending };
    });
    const o = t.orchestrator(backend);
    await o.submit(testMessage('1'));
    await o.idle();
    const done = eventsOfType(t.renderer.allEvents(), 'done')[0];
    expect(done?.notice).toMatch(notice);
    expect(done?.notice).not.toMatch(/srv/);
  });

  it('ends in an error event when a backend stream stops without an ending', async () => {
    const backend = new ScriptedBackend(async function* () {
      yield { type: 'text.delta', itemId: 'm', delta: 'half' };
    });
    const o = t.orchestrator(backend);
    await o.submit(testMessage('1'));
    await o.idle();
    expect(eventsOfType(t.renderer.allEvents(), 'done')[0]?.ending.kind).toBe('failed');
  });
});

describe("A turn and its thread's last use", () => {
  const answered = async function* () {
    yield { type: 'text.done' as const, itemId: 'm', text: 'ok', annotations: [] };
    yield { type: 'ended' as const, ending: { kind: 'completed' as const } };
  };

  it('asks the model before the last use is written, and ends only once it is', async () => {
    const backend = new ScriptedBackend(answered);
    const o = t.orchestrator(backend);
    await o.submit(testMessage('1'));
    await o.idle();
    const key = testMessage('1').key;
    const before = await t.store.threads.get(key);
    // The next write of the thread record waits until released.
    const threads = t.store.threads;
    const realSet = threads.set.bind(threads);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    threads.set = async (...args) => {
      await gate;
      return realSet(...args);
    };
    let idle = false;
    await o.submit(testMessage('2'));
    const done = o.idle().then(() => {
      idle = true;
    });
    await expect.poll(() => backend.runs.length).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(idle).toBe(false);
    release();
    await done;
    expect((await t.store.threads.get(key))?.lastUsedAt).toBeGreaterThanOrEqual(before?.lastUsedAt ?? 0);
    expect(eventsOfType(t.renderer.allEvents(), 'done')).toHaveLength(2);
  });

  it('still answers when the last use cannot be written (it only decides when the thread is forgotten)', async () => {
    const backend = new ScriptedBackend(answered);
    const o = t.orchestrator(backend);
    await o.submit(testMessage('1'));
    await o.idle();
    t.store.threads.set = () => Promise.reject(new Error('disk full'));
    await o.submit(testMessage('2'));
    await o.idle();
    expect(eventsOfType(t.renderer.allEvents(), 'done')).toHaveLength(2);
    expect(eventsOfType(t.renderer.allEvents(), 'error')).toEqual([]);
  });
});
