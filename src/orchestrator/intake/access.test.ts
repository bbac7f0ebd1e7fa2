import { describe, expect, it } from 'vitest';
import {
  TEST_RUN_CONFIG,
  testMessage,
  useOrchestratorFixture,
} from '../../../test/support/orchestrator-fixture.js';
import { ScriptedBackend } from '../../../test/support/scripted-backend.js';
import { silentLogger } from '../../core/logger.js';
import type { Metrics } from '../../core/metrics.js';
import { BUILT_IN_TOOLS, createToolRegistry } from '../../tools/index.js';
import { Orchestrator } from '../orchestrator.js';

const t = useOrchestratorFixture();

describe('Access limits and metrics', () => {
  it('reports time to first text, tokens, queue depth and the ending to the metrics', async () => {
    const seen: string[] = [];
    const metrics: Metrics = {
      runEnded: (backend, ending) => seen.push(`ended ${backend} ${ending}`),
      firstText: (backend) => seen.push(`first text ${backend}`),
      tokens: (_backend, usage) => seen.push(`tokens ${usage.inputTokens}`),
      queueDepth: (depth) => seen.push(`queue ${depth}`),
      platformProblem: () => {},
    };
    const backend = new ScriptedBackend(async function* () {
      yield { type: 'text.delta', itemId: 'm', delta: 'a' };
      yield { type: 'text.delta', itemId: 'm', delta: 'b' };
      yield { type: 'usage', usage: { inputTokens: 7, outputTokens: 1, reasoningTokens: 0 } };
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const o = new Orchestrator({
      backend,
      store: t.store,
      tools: createToolRegistry(BUILT_IN_TOOLS, []),
      run: TEST_RUN_CONFIG,
      logger: silentLogger(),
      metrics,
    });
    o.registerRenderer('test', t.renderer);
    await o.submit(testMessage('1'));
    await o.idle();
    expect(seen).toEqual(['queue 0', 'first text assistants', 'tokens 7', 'ended assistants completed']);
  });

  it('refuses a user over the per-minute limit with a clear reply, and others still get answers', async () => {
    const backend = new ScriptedBackend(async function* () {
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const o = t.orchestrator(backend, TEST_RUN_CONFIG, {
      perUserPerMinute: 2,
      dailyTokensPerUser: 0,
      dailyTokensPerConversation: 0,
    });
    expect(await o.submit(testMessage('1'))).toBe('started');
    await o.idle();
    expect(await o.submit(testMessage('2'))).toBe('started');
    await o.idle();
    expect(await o.submit(testMessage('3'))).toBe('refused');
    const refusal = t.renderer.renders.find((r) => r.replyTo.to === '3')?.events;
    expect(refusal).toEqual([
      { type: 'error', code: 'rate_limited', text: expect.stringMatching(/at most 2 a minute.*wait \d+ s/) },
    ]);
    expect(await o.submit(testMessage('4', 'hi', { userId: 'u2' }))).toBe('started');
    await o.idle();
    expect(backend.runs).toHaveLength(3);
  });

  it('refuses once the user’s or the conversation’s daily token budget is spent', async () => {
    const backend = new ScriptedBackend(async function* () {
      yield { type: 'usage', usage: { inputTokens: 600, outputTokens: 500, reasoningTokens: 100 } };
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const perUser = t.orchestrator(backend, TEST_RUN_CONFIG, {
      perUserPerMinute: 0,
      dailyTokensPerUser: 1000,
      dailyTokensPerConversation: 0,
    });
    expect(await perUser.submit(testMessage('1'))).toBe('started');
    await perUser.idle();
    expect(await perUser.submit(testMessage('2'))).toBe('refused');
    expect(t.renderer.renders.at(-1)?.events[0]).toMatchObject({
      code: 'budget_exceeded',
      text: expect.stringMatching(/daily budget of 1,000 tokens.*midnight UTC/),
    });

    const perConversation = t.orchestrator(backend, TEST_RUN_CONFIG, {
      perUserPerMinute: 0,
      dailyTokensPerUser: 0,
      dailyTokensPerConversation: 1000,
    });
    expect(await perConversation.submit(testMessage('3', 'x', { userId: 'someone-else' }))).toBe('refused');
    expect(t.renderer.renders.at(-1)?.events[0]).toMatchObject({
      text: expect.stringMatching(/This conversation/),
    });
    expect(backend.runs).toHaveLength(1);
  });

  it('posts the limit notice once per user per minute; later refusals are quiet (only the sender hears)', async () => {
    const backend = new ScriptedBackend(async function* () {
      yield { type: 'ended', ending: { kind: 'completed' } };
    });
    const o = t.orchestrator(backend, TEST_RUN_CONFIG, {
      perUserPerMinute: 1,
      dailyTokensPerUser: 0,
      dailyTokensPerConversation: 0,
    });
    expect(await o.submit(testMessage('1'))).toBe('started');
    await o.idle();
    for (const id of ['2', '3', '4']) expect(await o.submit(testMessage(id))).toBe('refused');
    const refusals = ['2', '3', '4'].map(
      (id) => t.renderer.renders.find((r) => r.replyTo.to === id)?.events[0],
    );
    expect(refusals.map((e) => (e?.type === 'error' ? Boolean(e.quiet) : 'missing'))).toEqual([
      false,
      true,
      true,
    ]);
    // Another user over the limit is told, once, too.
    expect(await o.submit(testMessage('5', 'hi', { userId: 'u2' }))).toBe('started');
    await o.idle();
    expect(await o.submit(testMessage('6', 'hi', { userId: 'u2' }))).toBe('refused');
    expect(t.renderer.renders.find((r) => r.replyTo.to === '6')?.events[0]).not.toHaveProperty('quiet');
  });
});
