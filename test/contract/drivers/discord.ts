import { MessageFlags } from 'discord.js';
import type { FakeOpenAI } from '../../../src/model-server/index.js';
import { brokenRules, DiscordBot } from '../../fakes/discord/bot-harness.js';
import type { FakeInteraction, FakeMessage } from '../../fakes/discord/index.js';
import type {
  AdapterDriver,
  Conversation,
  DriverOptions,
  FileInput,
  Person,
  PlatformDriver,
  Shown,
} from './driver.js';
import { shownOf } from './driver.js';

/** Discord: mentions open a thread from the message; the bot's gateway and REST calls go to the fake. */
export const discord: PlatformDriver = {
  name: 'Discord',
  cannot: {},
  messageLength: 2000,
  async start(options: DriverOptions): Promise<AdapterDriver> {
    const bot = await DiscordBot.start({
      discord: (directory) => ({ approverRoles: [directory.staffRole] }),
      ...(options.toolDisplay && { toolDisplay: options.toolDisplay }),
      harness: {
        ...(options.tools && { tools: options.tools }),
        ...(options.approvalTimeoutMs !== undefined && { approvalTimeoutMs: options.approvalTimeoutMs }),
        ...(options.limits && { limits: options.limits }),
        ...(options.maxAttachmentBytes !== undefined && {
          run: { maxAttachmentBytes: options.maxAttachmentBytes },
        }),
      },
    });
    return new DiscordDriver(bot);
  },
};

class DiscordDriver implements AdapterDriver {
  constructor(readonly bot: DiscordBot) {}

  get model(): FakeOpenAI {
    return this.bot.openai;
  }

  /** alice asks; carol may not decide her approvals; bob (staff, the approver role) may. */
  person(who: Person): string {
    const { alice, bob, carol } = this.bot.fake.directory;
    return { asker: alice, stranger: carol, approver: bob }[who];
  }

  mention(who: Person): string {
    return `<@${this.person(who)}>`;
  }

  async ask(text: string, options: { files?: readonly FileInput[] } = {}): Promise<Conversation> {
    const seq = this.seq();
    const question = this.bot.mention(text, {
      attachments: (options.files ?? []).map((f) => ({
        filename: f.name,
        bytes: f.bytes,
        contentType: f.mimeType,
        ...(f.declaredSize !== undefined && { size: f.declaredSize }),
      })),
    });
    await this.taken(question.id);
    // A thread opened from a message has the message's id.
    return new DiscordConversation(this, question.id, seq);
  }

  /** The gateway's sequence number now: a replay from here redelivers what comes next. */
  seq(): number {
    return this.bot.fake.session?.seq ?? 0;
  }

  /** Resolves once the message was submitted to the orchestrator. */
  taken(messageId: string): Promise<unknown> {
    return this.waitFor(
      () => this.bot.core.submissions.some((s) => s.message.id === messageId),
      `message ${messageId} taken`,
    );
  }

  restart(): Promise<void> {
    return this.bot.restartAdapter();
  }

  waitFor<T>(probe: () => T | undefined | null | false, what: string): Promise<T> {
    // Submissions are not the fake's changes: re-check on those too.
    const stop = this.bot.core.watch(() => this.bot.fake.recorder.changed());
    return this.bot.fake.waitFor(probe, { what, timeoutMs: 10_000 }).finally(stop);
  }

  idle(): Promise<void> {
    return this.bot.idle();
  }

  downloads(name: string): number {
    return this.bot.fake.downloads.filter((d) => d.path.endsWith(`/${name}`)).length;
  }

  /** Discord's rules (see `brokenRules`), and no call refused: not even one the bot would recover from. */
  brokenRules(): string[] {
    const refused = this.bot.fake.calls
      .filter((c) => c.status >= 400)
      .map((c) => `${c.method} ${c.path} was answered ${c.status} (${c.errorCode ?? 'no code'})`);
    return [...brokenRules(this.bot), ...refused];
  }

  close(): Promise<void> {
    return this.bot.close();
  }

  /** Runs a slash command in `channelId`; resolves with what the bot answered once it is final. */
  async command(name: string, channelId: string): Promise<string> {
    const interaction = this.bot.fake.slashCommand({ name, channelId, userId: this.person('asker') });
    const reply = await this.original(interaction);
    await this.waitFor(
      () => (reply.flags & MessageFlags.Loading) === 0 && reply.content !== '',
      `the answer to /${name}`,
    );
    return reply.content;
  }

  original(interaction: FakeInteraction): Promise<FakeMessage> {
    const { fake } = this.bot;
    return this.waitFor(
      () => interaction.originalMessageId !== undefined && fake.message(interaction.originalMessageId),
      `the response to interaction ${interaction.id}`,
    );
  }
}

class DiscordConversation implements Conversation {
  constructor(
    private readonly driver: DiscordDriver,
    private readonly thread: string,
    /** The gateway's sequence number before the last message here was sent. */
    private lastSeq: number,
  ) {}

  shown(): Shown {
    const messages = this.driver.bot.fake
      .botMessages(this.thread)
      .filter((m) => (m.flags & MessageFlags.Ephemeral) === 0);
    return shownOf(
      messages.map((m) => ({
        text: m.content,
        files: m.attachments.map((a) => ({ name: a.filename, bytes: a.bytes ?? new Uint8Array() })),
      })),
      messages
        .filter((m) => m.components.length > 0 || m.content.includes('wants to run'))
        .map((m) => ({ text: m.content, open: m.components.length > 0 })),
    );
  }

  async say(text: string): Promise<void> {
    this.lastSeq = this.driver.seq();
    const message = this.driver.bot.fake.sendMessage({
      channelId: this.thread,
      authorId: this.driver.person('asker'),
      content: text,
    });
    await this.driver.taken(message.id);
  }

  async cancel(): Promise<void> {
    await this.driver.command('cancel', this.thread);
  }

  reset(): Promise<string> {
    return this.driver.command('reset', this.thread);
  }

  async decide(approve: boolean, who: Person): Promise<string | undefined> {
    const { fake } = this.driver.bot;
    const prompt = fake.botMessages(this.thread).find((m) => m.components.length > 0);
    if (!prompt) throw new Error('no approval prompt is open');
    const buttons = prompt.components.flatMap(
      (row) => row.components as { custom_id: string; label: string }[],
    );
    const button = buttons.find((b) => b.label === (approve ? 'Approve' : 'Deny'));
    if (!button) throw new Error('the prompt has no such button');
    const click = fake.clickButton({
      messageId: prompt.id,
      customId: button.custom_id,
      userId: this.driver.person(who),
    });
    const how = await this.driver.waitFor(() => click.acknowledged, 'the click acknowledged');
    if (how === 'updated') return undefined;
    const reply = await this.driver.original(click);
    if ((reply.flags & MessageFlags.Ephemeral) === 0)
      throw new Error(`a click was answered in public: ${reply.content}`);
    return reply.content;
  }

  /** The gateway drops; discord.js RESUMEs and the fake replays what it sent since the last message here. */
  async redeliver(): Promise<void> {
    const { fake } = this.driver.bot;
    const resumes = fake.gatewayStats.resumes;
    fake.dropGateway({ replayAfter: this.lastSeq });
    await this.driver.waitFor(() => fake.gatewayStats.resumes > resumes, 'the RESUME');
    // Events are handled in order: once a question sent after the replay is taken, so is the replay.
    const later = this.driver.bot.mention('a question after the replay');
    await this.driver.taken(later.id);
  }
}
