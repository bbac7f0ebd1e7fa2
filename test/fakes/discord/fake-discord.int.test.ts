import { DiscordAPIError, GatewayIntentBits, REST, Routes } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { describeSpecs } from '../../support/specs.js';
import { type FakeDiscord, startFakeDiscord } from './fake-discord.js';
import { checkDiscordConformance, loadDiscordSpec } from './spec.js';

/** A bare gateway client: what discord.js does, step by step, so each rule can be seen. */
class RawGateway {
  readonly received: { op: number; t?: string; s?: number; d: Record<string, unknown> }[] = [];
  closeCode: number | undefined;
  private readonly ws: WebSocket;
  private readonly listeners = new Set<() => void>();

  constructor(url: string) {
    this.ws = new WebSocket(`${url}?v=10&encoding=json`);
    this.ws.on('message', (data) => {
      this.received.push(JSON.parse(String(data)));
      for (const listener of this.listeners) listener();
    });
    this.ws.on('close', (code) => {
      this.closeCode = code;
      for (const listener of this.listeners) listener();
    });
  }

  send(op: number, d: unknown): void {
    this.ws.send(JSON.stringify({ op, d }));
  }

  /** Resolves with the first payload (from now on or already received) that matches. */
  next(match: (p: RawGateway['received'][number]) => boolean, timeoutMs = 3000) {
    return this.until(() => this.received.find(match), timeoutMs);
  }

  closed(timeoutMs = 3000): Promise<number> {
    return this.until(() => this.closeCode, timeoutMs);
  }

  close(code: number): void {
    this.ws.close(code);
  }

  private until<T>(probe: () => T | undefined, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = probe();
        if (value === undefined) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error('raw gateway: timed out'));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }
}

const GUILD_INTENTS =
  GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.DirectMessages;

let fake: FakeDiscord;
let rest: REST;

beforeAll(async () => {
  fake = await startFakeDiscord({ interactionAckMs: 3000 });
  rest = new REST({ api: fake.apiUrl, retries: 0 }).setToken(fake.token);
});

afterAll(async () => {
  await fake.close();
});

async function identify(intents: number): Promise<RawGateway> {
  const gateway = new RawGateway(`ws://127.0.0.1:${fake.port}/gateway`);
  await gateway.next((p) => p.op === 10);
  gateway.send(2, {
    token: fake.token,
    intents,
    properties: { os: 'linux', browser: 'test', device: 'test' },
  });
  await gateway.next((p) => p.t === 'READY');
  return gateway;
}

const codeOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error instanceof DiscordAPIError ? error.code : String(error);
  }
};

describe('fake Discord REST', () => {
  it('answers discord.js with Discord’s rules and error codes', async () => {
    const { general, alice } = fake.directory;
    expect(
      await codeOf(rest.post(Routes.channelMessages(general), { body: { content: 'x'.repeat(2001) } })),
    ).toBe(50035);
    expect(await codeOf(rest.post(Routes.channelMessages(general), { body: { content: '' } }))).toBe(50006);
    expect(await codeOf(rest.post(Routes.channelMessages('404'), { body: { content: 'hi' } }))).toBe(10003);
    const theirs = fake.sendMessage({ channelId: general, authorId: alice, content: 'mine' });
    expect(
      await codeOf(rest.patch(Routes.channelMessage(general, theirs.id), { body: { content: 'edited' } })),
    ).toBe(50005);
    await rest.post(Routes.threads(general, theirs.id), { body: { name: 'a thread' } });
    expect(await codeOf(rest.post(Routes.threads(general, theirs.id), { body: { name: 'again' } }))).toBe(
      160004,
    );
    expect(await codeOf(rest.post(Routes.threads(theirs.id, theirs.id), { body: { name: 'nested' } }))).toBe(
      50024,
    );
    const unauthorised = new REST({ api: fake.apiUrl, retries: 0 }).setToken('wrong');
    expect(await codeOf(unauthorised.get(Routes.gatewayBot()))).toBe(0);
    expect(fake.calls.at(-1)?.status).toBe(401);
  });

  it('keeps uploads and serves them from its attachment host', async () => {
    const posted = (await rest.post(Routes.channelMessages(fake.directory.general), {
      body: { content: 'a file' },
      files: [{ name: 'notes.txt', data: Buffer.from('hello file'), contentType: 'text/plain' }],
    })) as { attachments: { url: string; filename: string }[] };
    expect(posted.attachments.map((a) => a.filename)).toEqual(['notes.txt']);
    const download = await fetch(posted.attachments[0]?.url ?? '');
    expect(await download.text()).toBe('hello file');
  });

  it('sends X-RateLimit headers, and a 429 with retry_after when told to', async () => {
    const url = `${fake.apiUrl}/v10/channels/${fake.directory.general}/typing`;
    const init = { method: 'POST', headers: { authorization: `Bot ${fake.token}` } };
    const ok = await fetch(url, init);
    expect(ok.status).toBe(204);
    for (const header of ['limit', 'remaining', 'reset', 'reset-after', 'bucket']) {
      expect(ok.headers.get(`x-ratelimit-${header}`)).not.toBeNull();
    }
    const before = fake.rateLimited;
    fake.rateLimitNext({ method: 'POST', path: /\/typing$/, retryAfterMs: 250 });
    const limited = await fetch(url, init);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await limited.json()).toEqual({
      message: 'You are being rate limited.',
      retry_after: 0.25,
      global: false,
      code: 0,
    });
    expect(fake.rateLimited - before).toBe(1);
  });

  it('refuses an interaction callback after Discord’s deadline, and a second one', async () => {
    const late = await startFakeDiscord({ interactionAckMs: -1 });
    const lateRest = new REST({ api: late.apiUrl, retries: 0 });
    try {
      const interaction = late.slashCommand({
        name: 'ask',
        channelId: late.directory.general,
        userId: late.directory.alice,
      });
      const callback = Routes.interactionCallback(interaction.id, interaction.token);
      expect(await codeOf(lateRest.post(callback, { body: { type: 5 }, auth: false }))).toBe(10062);
    } finally {
      await late.close();
    }
    const interaction = fake.slashCommand({
      name: 'ask',
      channelId: fake.directory.general,
      userId: fake.directory.alice,
    });
    const callback = Routes.interactionCallback(interaction.id, interaction.token);
    await rest.post(callback, { body: { type: 5 }, auth: false });
    expect(await codeOf(rest.post(callback, { body: { type: 5 }, auth: false }))).toBe(40060);
  });
});

describe('fake Discord gateway', () => {
  it('says HELLO, answers IDENTIFY with READY and GUILD_CREATE, and acknowledges heartbeats', async () => {
    const gateway = await identify(GUILD_INTENTS);
    const ready = await gateway.next((p) => p.t === 'READY');
    expect(ready.d.resume_gateway_url).toBe(`ws://127.0.0.1:${fake.port}/gateway-resume`);
    const guild = await gateway.next((p) => p.t === 'GUILD_CREATE');
    expect((guild.d.channels as unknown[]).length).toBeGreaterThanOrEqual(2);
    expect((guild.d.roles as unknown[]).length).toBe(4);
    gateway.send(1, ready.s);
    await gateway.next((p) => p.op === 11);
    gateway.close(1000);
  });

  it('hides message content without the intent, unless the bot is mentioned or it is a DM', async () => {
    const gateway = await identify(GUILD_INTENTS);
    const { general, alice } = fake.directory;
    const plain = fake.sendMessage({ channelId: general, authorId: alice, content: 'secret chatter' });
    const mention = fake.sendMessage({ channelId: general, authorId: alice, content: 'hey', mention: true });
    const dm = fake.sendDm(alice, 'direct words');
    const created = (id: string) => gateway.next((p) => p.t === 'MESSAGE_CREATE' && p.d.id === id);
    expect((await created(plain.id)).d.content).toBe('');
    expect((await created(mention.id)).d.content).toBe(`<@${fake.world.bot.id}> hey`);
    expect((await created(dm.id)).d.content).toBe('direct words');
    gateway.close(1000);
  });

  it('replays what a dropped session missed at RESUME, and refuses an unknown session', async () => {
    const gateway = await identify(GUILD_INTENTS);
    const ready = await gateway.next((p) => p.t === 'READY');
    const seq = fake.session?.seq ?? 0;
    gateway.close(4000);
    await gateway.closed();
    const missed = fake.sendMessage({
      channelId: fake.directory.general,
      authorId: fake.directory.bob,
      content: 'while away',
      mention: true,
    });
    const resumed = new RawGateway(String(ready.d.resume_gateway_url));
    await resumed.next((p) => p.op === 10);
    resumed.send(6, { token: fake.token, session_id: ready.d.session_id, seq });
    expect((await resumed.next((p) => p.t === 'MESSAGE_CREATE')).d.id).toBe(missed.id);
    await resumed.next((p) => p.t === 'RESUMED');
    resumed.close(1000);

    const stranger = new RawGateway(`ws://127.0.0.1:${fake.port}/gateway`);
    await stranger.next((p) => p.op === 10);
    stranger.send(6, { token: fake.token, session_id: 'nope', seq: 1 });
    expect((await stranger.next((p) => p.op === 9)).d).toBe(false);
    stranger.close(1000);
  });

  it('closes with 4004 for a wrong token and 4014 for an intent the app was not granted', async () => {
    const wrong = new RawGateway(`ws://127.0.0.1:${fake.port}/gateway`);
    await wrong.next((p) => p.op === 10);
    wrong.send(2, { token: 'wrong', intents: GUILD_INTENTS, properties: {} });
    expect(await wrong.closed()).toBe(4004);

    const strict = await startFakeDiscord({ grantedIntents: 0 });
    try {
      const greedy = new RawGateway(`ws://127.0.0.1:${strict.port}/gateway`);
      await greedy.next((p) => p.op === 10);
      greedy.send(2, { token: strict.token, intents: GatewayIntentBits.MessageContent, properties: {} });
      expect(await greedy.closed()).toBe(4014);
    } finally {
      await strict.close();
    }
  });
});

describeSpecs('fake Discord conformance', () => {
  it('sent in these tests only bodies that Discord’s OpenAPI document allows', () => {
    expect(checkDiscordConformance(loadDiscordSpec(), fake)).toEqual([]);
  });
});
