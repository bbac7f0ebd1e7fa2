import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyvSqlite } from '@keyv/sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_KEY, TEST_RUN_CONFIG, testMessage } from '../../test/support/orchestrator-fixture.js';
import { RecordingRenderer } from '../../test/support/recording-renderer.js';
import { ScriptedBackend } from '../../test/support/scripted-backend.js';
import { USER_MESSAGES } from '../core/errors.js';
import { silentLogger } from '../core/logger.js';
import { createStore } from '../store/create-store.js';
import type { Store } from '../store/types.js';
import { BUILT_IN_TOOLS, createToolRegistry } from '../tools/index.js';
import { Orchestrator } from './orchestrator.js';

/**
 * The orchestrator on a real SQLite file that another connection locks (what "unreachable" means for
 * SQLite): a message submitted meanwhile is held, and answered once the lock goes, or its user is
 * asked to send it again when the lock outlasts STORE_HOLD_MS.
 */

let dir = '';
let store: Store;
let locker: KeyvSqlite;
const renderer = new RecordingRenderer();
let pinged: () => void = () => undefined;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'outage-'));
  const file = join(dir, 'store.sqlite');
  // Statements give up on the lock quickly, and calls are retried only briefly: the hold does the waiting.
  const opened = await createStore({ kind: 'sqlite', path: file }, { retryMs: 50, sqliteBusyTimeoutMs: 20 });
  // The hold pings the store while it holds a message: that is when the test may let the lock go.
  store = {
    ...opened,
    ping: () => {
      pinged();
      return opened.ping();
    },
  };
  locker = new KeyvSqlite({ uri: `sqlite://${file}` });
  renderer.renders.length = 0;
});

afterEach(async () => {
  await locker.query('ROLLBACK').catch(() => undefined);
  await locker.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const echo = new ScriptedBackend(async function* (io) {
  yield { type: 'run.created', checkpoint: { runId: 'run_1' } };
  const text = io.request.messages.map((m) => m.text).join(' & ');
  yield { type: 'text.done', itemId: 'm1', text: `answer to ${text}`, annotations: [] };
  yield { type: 'ended', ending: { kind: 'completed' } };
});

function orchestrator(holdMs: number, backend: ScriptedBackend = echo): Orchestrator {
  const o = new Orchestrator({
    backend,
    store,
    tools: createToolRegistry(BUILT_IN_TOOLS, []),
    run: TEST_RUN_CONFIG,
    logger: silentLogger(),
    storeOutage: { holdMs },
    storeWatch: { firstMs: 5, maxMs: 20 },
  });
  o.registerRenderer('test', renderer);
  return o;
}

const holding = () =>
  new Promise<void>((resolve) => {
    pinged = resolve;
  });

const texts = () =>
  renderer.allEvents().flatMap((e) => (e.type === 'text.done' || e.type === 'error' ? [e.text] : []));

describe('the orchestrator while the store is locked', () => {
  it('holds a message submitted meanwhile and answers it once the store is back', async () => {
    const o = orchestrator(60_000);
    const held = holding();
    await locker.query('BEGIN EXCLUSIVE');
    const outcome = o.submit(testMessage('1', 'hello', { receivedAt: Date.now() }));
    await held;
    await locker.query('COMMIT');
    expect(await outcome).toBe('started');
    await o.idle();
    expect(texts()).toEqual(['answer to hello']);
    // The claim it made is its own: the same message again is a duplicate.
    expect(await o.submit(testMessage('1', 'hello', { receivedAt: Date.now() }))).toBe('duplicate');
    await o.stop();
  });

  it('asks the user to send it again when the store stays unreachable past STORE_HOLD_MS', async () => {
    const o = orchestrator(100);
    await locker.query('BEGIN EXCLUSIVE');
    expect(await o.submit(testMessage('1', 'hello', { receivedAt: Date.now() }))).toBe('not_taken');
    expect(texts()).toEqual([USER_MESSAGES.message_not_taken]);
    expect(renderer.renders.map((r) => r.replyTo)).toEqual([{ to: '1' }]);
    expect(o.isBusy(TEST_KEY)).toBe(false);
    await o.stop();
  });

  it('keeps a message queued behind a run when the store goes away between turns, and answers it once it is back', async () => {
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const gated: ScriptedBackend = new ScriptedBackend(async function* (io) {
      yield { type: 'run.created', checkpoint: { runId: `run_${gated.runs.length}` } };
      if (gated.runs.length === 1) await gate;
      const asked = io.request.messages.map((m) => m.text).join(' & ');
      yield {
        type: 'text.done',
        itemId: `m${gated.runs.length}`,
        text: `answer to ${asked}`,
        annotations: [],
      };
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const o = orchestrator(60_000, gated);
    expect(await o.submit(testMessage('1', 'first', { receivedAt: Date.now() }))).toBe('started');
    expect(await o.submit(testMessage('2', 'second', { receivedAt: Date.now() }))).toBe('queued');
    // The first run has what it needs from the store (its thread, its record) and is being written.
    await renderer.waitFor(() => renderer.allEvents().some((e) => e.type === 'run.started'));
    // The store goes away while the first answer is written; the turn ends, and what comes next needs the store.
    const held = holding();
    await locker.query('BEGIN EXCLUSIVE');
    open();
    await held;
    await locker.query('COMMIT');
    await renderer.waitFor(() => texts().includes('answer to second'), 10_000);
    await o.idle();
    expect(texts()).toEqual(['answer to first', 'answer to second']);
    await o.stop();
  });

  it('answers held messages on shutdown rather than leaving them behind', async () => {
    const o = orchestrator(60_000);
    const held = holding();
    await locker.query('BEGIN EXCLUSIVE');
    const outcome = o.submit(testMessage('1', 'hello', { receivedAt: Date.now() }));
    await held;
    await o.stop();
    expect(await outcome).toBe('not_taken');
    expect(texts()).toEqual([USER_MESSAGES.message_not_taken]);
  });
});
