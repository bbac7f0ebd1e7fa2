import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendName } from '../../src/backends/backend.js';
import {
  createProfileSource,
  loadProfilesFile,
  type ProfileSource,
  type Profiles,
} from '../../src/config/profiles/index.js';
import { conversationKey } from '../../src/core/conversation.js';
import { silentLogger } from '../../src/core/logger.js';
import { type FakeOpenAI, type ModelScript, text } from '../../src/model-server/index.js';
import { TEST_ASSISTANT } from '../contract/harness.js';
import { brokenRules, DiscordBot } from '../fakes/discord/bot-harness.js';
import { checkConformance } from '../fakes/openai/conformance.js';
import { loadOpenAISpec } from '../fakes/openai/spec.js';
import { SlackBot } from '../fakes/slack/bot-harness.js';
import { FAKE_TEAM } from '../fakes/slack/state.js';
import { itSpecs } from '../support/specs.js';

type Json = Record<string, unknown>;

/** The model says which instructions it was given, so the answer shows the profile too. */
const echo: ModelScript = ({ instructions, text: said }) => [text(`[${instructions}] ${said}`)];

const DOCS_TOOL = {
  type: 'mcp',
  server_label: 'docs',
  server_url: 'https://mcp.example.com/mcp',
  allowed_tools: ['search'],
  headers: { Authorization: 'Bearer docs-token' },
  require_approval: 'never',
};

/** Two profiles besides the environment's `default`; `channels` maps places to them. */
function profilesFile(channels: Record<string, string>, supportModel = 'gpt-4.1-mini'): string {
  return `
profiles:
  support:
    model: ${supportModel}
    instructions: You are the support desk.
    tools: [file_search, current_time, docs]
    vector_store_ids: [vs_help]
    temperature: 0.2
  lab:
    model: o4-mini
    instructions: You are the lab assistant.
    tools: [code_interpreter, docs]
    reasoning_effort: high
direct_messages: lab
channels:
${Object.entries(channels)
  .map(([place, profile]) => `  "${place}": ${profile}`)
  .join('\n')}
mcp_servers:
  - server_label: docs
    server_url: https://mcp.example.com/mcp
    allowed_tools: [search]
    headers: { Authorization: "Bearer \${env:DOCS_TOKEN}" }
    require_approval: never
`;
}

/** A profiles file in a temp folder, loaded as main.ts loads it, and reloaded on demand. */
class ProfilesOnDisk {
  private readonly dir = mkdtempSync(join(tmpdir(), 'threadloom-profile-selection-'));
  readonly path = join(this.dir, 'profiles.yaml');
  private source: ProfileSource | undefined;

  constructor(private readonly backend: BackendName) {}

  /** What the orchestrator reads per turn; usable before the file is first written. */
  readonly current = (): Profiles => {
    if (!this.source) throw new Error('no profiles file written yet');
    return this.source.current();
  };

  /** Writes the file, then loads it (first time) or reloads it as SIGHUP does. */
  write(contents: string): void {
    writeFileSync(this.path, contents);
    if (this.source) {
      expect(this.source.reload('test')).toMatchObject({ ok: true, changed: true });
      return;
    }
    const load = () =>
      loadProfilesFile(this.path, {
        env: { DOCS_TOKEN: 'docs-token' },
        assistant: { ...TEST_ASSISTANT, backend: this.backend },
        knownTools: ['current_time'],
        readFile: (path) => readFileSync(path, 'utf8'),
      });
    this.source = createProfileSource({ initial: load(), load, logger: silentLogger() });
  }

  close(): void {
    this.source?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The one POST /responses body whose input carries `question`. */
function responseBodyFor(fake: FakeOpenAI, question: string): Json {
  const bodies = fake.requests
    .filter((r) => r.method === 'POST' && r.path === '/responses')
    .map((r) => r.json as Json)
    .filter((body) => JSON.stringify(body.input).includes(question));
  expect(bodies, question).toHaveLength(1);
  return bodies[0] as Json;
}

/** The POST /threads/{id}/runs body of the run that answered `question` (Assistants API: it carries the question). */
function runBodyFor(fake: FakeOpenAI, question: string): Json {
  const run = fake.requests.find(
    (r) =>
      r.method === 'POST' &&
      /^\/threads\/[^/]+\/runs$/.test(r.path) &&
      JSON.stringify((r.json as Json | undefined)?.additional_messages ?? []).includes(question),
  );
  expect(run, question).toBeDefined();
  return run?.json as Json;
}

const toolTypes = (body: Json) => (body.tools as Json[]).map((tool) => tool.type);

describe('profiles chosen per place, on Discord with the Responses API', () => {
  let bot: DiscordBot;
  const profiles = new ProfilesOnDisk('responses');

  beforeAll(async () => {
    bot = await DiscordBot.start({ backend: 'responses', harness: { profiles: profiles.current } });
    bot.openai.setScript(echo);
    const { guildId, general } = bot.fake.directory;
    profiles.write(profilesFile({ [`discord:${guildId}/${general}`]: 'support' }));
  });

  afterAll(async () => {
    await bot?.close();
    profiles.close();
  });

  it("runs a thread opened in a mapped channel with that channel's profile, MCP servers included", async () => {
    const thread = await bot.threadOf(bot.mention('where is my order?'));
    const [answer] = await bot.answer(thread.id, (c) => c.length === 1);
    expect(answer).toBe('[You are the support desk.] where is my order?');
    const body = responseBodyFor(bot.openai, 'where is my order?');
    expect(body).toMatchObject({
      model: 'gpt-4.1-mini',
      instructions: 'You are the support desk.',
      temperature: 0.2,
    });
    expect(body).not.toHaveProperty('reasoning');
    expect(body.tools).toEqual([
      { type: 'file_search', vector_store_ids: ['vs_help'] },
      expect.objectContaining({ type: 'function', name: 'current_time' }),
      DOCS_TOOL,
    ]);
  });

  it("answers a thread people opened in a mapped channel with the channel's profile", async () => {
    const { general, bob } = bot.fake.directory;
    const thread = bot.fake.createThread(general, 'billing', bob);
    bot.fake.sendMessage({ channelId: thread.id, authorId: bob, content: 'invoice question', mention: true });
    await bot.answer(thread.id, (c) => c.length === 1);
    expect(responseBodyFor(bot.openai, 'invoice question')).toMatchObject({ model: 'gpt-4.1-mini' });
  });

  it('answers a DM with the direct_messages profile', async () => {
    const dm = bot.fake.sendDm(bot.fake.directory.carol, 'a private experiment');
    const [answer] = await bot.answer(dm.channelId, (c) => c.length === 1);
    expect(answer).toBe('[You are the lab assistant.] a private experiment');
    const body = responseBodyFor(bot.openai, 'a private experiment');
    expect(body).toMatchObject({ model: 'o4-mini', reasoning: { effort: 'high' } });
    expect(body).not.toHaveProperty('temperature');
    expect(toolTypes(body)).toEqual(['code_interpreter', 'mcp']);
  });

  it('answers in a channel nobody mapped with the default profile, as without a profiles file', async () => {
    const question = bot.mention('just curious', { channelId: bot.fake.directory.random });
    const thread = await bot.threadOf(question);
    await bot.answer(thread.id, (c) => c.length === 1);
    const body = responseBodyFor(bot.openai, 'just curious');
    expect(body).toMatchObject({ model: TEST_ASSISTANT.model, instructions: TEST_ASSISTANT.instructions });
    expect(body).not.toHaveProperty('temperature');
    expect(toolTypes(body)).toEqual(['code_interpreter', 'function']);
  });

  it('keeps a conversation on its profile when the mapping changes, until /reset', async () => {
    const { guildId, general, alice } = bot.fake.directory;
    const thread = await bot.threadOf(bot.mention('first of a long talk'));
    await bot.answer(thread.id, (c) => c.length === 1);
    expect(responseBodyFor(bot.openai, 'first of a long talk')).toMatchObject({ model: 'gpt-4.1-mini' });

    // The operator maps the channel to another profile, and changes the support profile's model.
    profiles.write(profilesFile({ [`discord:${guildId}/${general}`]: 'lab' }, 'gpt-4.1'));

    bot.fake.sendMessage({ channelId: thread.id, authorId: alice, content: 'second of the talk' });
    await bot.answer(thread.id, (c) => c.length === 2);
    // Still support, as it is defined now.
    expect(responseBodyFor(bot.openai, 'second of the talk')).toMatchObject({
      model: 'gpt-4.1',
      instructions: 'You are the support desk.',
    });

    const fresh = await bot.threadOf(bot.mention('a new question here'));
    await bot.answer(fresh.id, (c) => c.length === 1);
    expect(responseBodyFor(bot.openai, 'a new question here')).toMatchObject({ model: 'o4-mini' });

    await bot.core.orchestrator.reset(conversationKey('discord', general, thread.id));
    bot.fake.sendMessage({ channelId: thread.id, authorId: alice, content: 'after the reset' });
    await bot.answer(thread.id, (c) => c.length === 3);
    expect(responseBodyFor(bot.openai, 'after the reset')).toMatchObject({
      model: 'o4-mini',
      instructions: 'You are the lab assistant.',
    });
  });

  itSpecs('sent and accepted only what the OpenAI and Discord specs allow', () => {
    const report = checkConformance(loadOpenAISpec(), bot.openai);
    expect(report.violations).toEqual([]);
    expect(report.checked).toBeGreaterThan(0);
    expect(brokenRules(bot)).toEqual([]);
  });
});

describe('profiles chosen per place, on Slack with the Assistants API', () => {
  let bot: SlackBot;
  const profiles = new ProfilesOnDisk('assistants');
  const SUPPORT = 'C0SUPPORT01';

  beforeAll(async () => {
    bot = await SlackBot.start({ script: echo, core: { profiles: profiles.current } });
    profiles.write(profilesFile({ [`slack:${FAKE_TEAM.teamId}/${SUPPORT}`]: 'support' }));
  });

  afterAll(async () => {
    await bot?.close();
    profiles.close();
  });

  it("overrides the assistant's model, instructions and tools on runs in a mapped channel and its threads", async () => {
    const { thread } = await bot.mention('my parcel is late', { channel: SUPPORT });
    await bot.answers(1);
    const body = runBodyFor(bot.core.fake, 'my parcel is late');
    expect(body).toMatchObject({
      model: 'gpt-4.1-mini',
      instructions: 'You are the support desk.',
      temperature: 0.2,
      tools: [
        { type: 'file_search' },
        { type: 'function', function: expect.objectContaining({ name: 'current_time' }) },
      ],
    });
    // A reply in the thread is the same conversation, and a thread lives in its channel anyway.
    await bot.mention('still waiting', { channel: SUPPORT, thread_ts: thread });
    await bot.answers(2);
    expect(runBodyFor(bot.core.fake, 'still waiting')).toMatchObject({ model: 'gpt-4.1-mini' });
  });

  it('overrides with the direct_messages profile in a DM', async () => {
    await bot.dm('a quick lab question');
    await bot.answers(3);
    expect(runBodyFor(bot.core.fake, 'a quick lab question')).toMatchObject({
      model: 'o4-mini',
      instructions: 'You are the lab assistant.',
      reasoning_effort: 'high',
      tools: [{ type: 'code_interpreter' }],
    });
  });

  it('overrides nothing where the default profile applies', async () => {
    await bot.mention('hello everyone');
    await bot.answers(4);
    // The question itself travels on the run; no override does.
    expect(Object.keys(runBodyFor(bot.core.fake, 'hello everyone')).sort()).toEqual([
      'additional_messages',
      'assistant_id',
      'stream',
    ]);
  });
});
