import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { WebAdapter } from '../../../src/adapters/web/web-adapter.js';
import { conversationKey } from '../../../src/core/conversation.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { FakeOpenAI } from '../../../src/model-server/index.js';
import { waitForChange } from '../../fakes/shared/wait-for-change.js';
import { type PageMessage, PageTranscript, type SseConnection, WebClient } from '../../support/web-client.js';
import { Harness } from '../harness.js';
import type {
  AdapterDriver,
  Conversation,
  DriverOptions,
  FileInput,
  PlatformDriver,
  Shown,
} from './driver.js';
import { shownOf } from './driver.js';

/** The person who asks, and their token (WEB_AUTH=token). */
const ASKER = { user: 'asker', token: 'asker-token-0123456789abcdef' };
const NOTICE = { info: 'ℹ️ ', warning: '⚠️ ', stopped: '⏹️ ', file: '📎 ', plain: '' } as Record<string, string>;

/**
 * The web chat: a person's page, driven over its HTTP API with their token and followed over SSE as
 * EventSource follows it (reconnecting with the last event id after a restart). What is shown is the
 * conversation rebuilt from the events the stream delivered; an event delivered twice, out of order
 * or after a gap is a broken rule.
 */
export const web: PlatformDriver = {
  name: 'web',
  cannot: {
    people: 'a web conversation is its owner’s alone: nobody else sees it or decides in it',
    messageLimit: 'the page shows an answer of any length as one message',
  },
  async start(options: DriverOptions): Promise<AdapterDriver> {
    const core = await Harness.start('responses', {
      ...(options.tools && { tools: options.tools }),
      ...(options.approvalTimeoutMs !== undefined && { approvalTimeoutMs: options.approvalTimeoutMs }),
      ...(options.limits && { limits: options.limits }),
    });
    const driver = new WebDriver(core, options);
    await driver.startAdapter();
    return driver;
  },
};

class WebDriver implements AdapterDriver {
  readonly changes = new EventEmitter().setMaxListeners(0);
  readonly client = new WebClient(() => this.base, {
    authorization: `Bearer ${ASKER.token}`,
  });
  readonly conversations: WebConversation[] = [];
  /** Upload bytes the server took, by file name. */
  readonly received = new Map<string, number>();
  readonly problems: string[] = [];
  private adapter: WebAdapter | undefined;
  private base = '';

  constructor(
    readonly core: Harness,
    private readonly options: DriverOptions,
  ) {}

  get model(): FakeOpenAI {
    return this.core.fake;
  }

  async startAdapter(): Promise<void> {
    const { options } = this;
    this.adapter = new WebAdapter(
      { basePath: '/chat', auth: { mode: 'token', tokens: new Map([[ASKER.token, ASKER.user]]) } },
      {
        deps: { orchestrator: this.core.port, store: this.core.store, logger: silentLogger() },
        toolDisplay: options.toolDisplay ?? 'full',
        maxAttachmentBytes: options.maxAttachmentBytes ?? 1024 * 1024,
        ...(options.limits && { limits: options.limits }),
      },
    );
    await this.adapter.start();
    this.base = (this.adapter.url ?? '').replace(/\/$/, '');
  }

  changed = () => this.changes.emit('change');

  mention(): string {
    return `<@${ASKER.user}>`;
  }

  async ask(text: string, options: { files?: readonly FileInput[] } = {}): Promise<Conversation> {
    const conversation = new WebConversation(this, await this.client.createConversation());
    this.conversations.push(conversation);
    await conversation.connect();
    await conversation.send(text, options.files ?? []);
    return conversation;
  }

  taken(id: string): Promise<unknown> {
    return this.waitFor(() => this.core.submissions.some((s) => s.message.id === id), `message ${id} taken`);
  }

  /** The server stops and a new one starts on the same store; every page reconnects with its last event id. */
  async restart(): Promise<void> {
    for (const conversation of this.conversations) conversation.disconnect();
    await this.adapter?.stop();
    await this.startAdapter();
    for (const conversation of this.conversations) await conversation.connect();
  }

  waitFor<T>(probe: () => T | undefined | null | false, what: string): Promise<T> {
    const onChange = (listener: () => void) => {
      this.changes.on('change', listener);
      const stop = this.core.watch(listener);
      return () => {
        this.changes.off('change', listener);
        stop();
      };
    };
    return waitForChange('web', onChange, probe, { what, timeoutMs: 10_000 });
  }

  /** No answer is being written, and every page has every event of its log (and the files in them). */
  async idle(): Promise<void> {
    await this.core.orchestrator.idle();
    for (const conversation of this.conversations) await conversation.caughtUp();
  }

  downloads(name: string): number {
    return this.received.get(name) ?? 0;
  }

  brokenRules(): string[] {
    return [...this.problems, ...this.conversations.flatMap((c) => c.transcript.problems)];
  }

  async close(): Promise<void> {
    for (const conversation of this.conversations) conversation.disconnect();
    await this.adapter?.stop();
    await this.core.close();
  }
}

class WebConversation implements Conversation {
  readonly transcript = new PageTranscript();
  private readonly files = new Map<string, Uint8Array>();
  private pendingFiles = 0;
  private stream: SseConnection | undefined;
  private lastMessage: { id: string; text: string } | undefined;

  constructor(
    private readonly driver: WebDriver,
    readonly id: string,
  ) {}

  async connect(): Promise<void> {
    this.stream = await this.driver.client.follow(this.id, this.transcript.position, (event, position) => {
      this.transcript.apply(event, position);
      if (event.type === 'post' || event.type === 'edit') this.fetchFiles(event.message);
      this.driver.changed();
    });
    if (this.stream.status !== 200) throw new Error(`the event stream answered HTTP ${this.stream.status}`);
  }

  disconnect(): void {
    this.stream?.close();
  }

  /** Files are fetched as the page would show or offer them. */
  private fetchFiles(message: PageMessage): void {
    const refs = message.kind === 'file' ? [message.file] : message.kind === 'tool' ? message.files : [];
    for (const ref of refs) {
      if (this.files.has(ref.id)) continue;
      this.pendingFiles++;
      this.driver.client
        .file(this.id, ref.id)
        .then(
          (bytes) => this.files.set(ref.id, bytes),
          (error: unknown) => this.driver.problems.push(`file ${ref.name}: ${String(error)}`),
        )
        .finally(() => {
          this.pendingFiles--;
          this.driver.changed();
        });
    }
  }

  /** Resolves once the stream has delivered every event the log holds, and the files in them are fetched. */
  async caughtUp(): Promise<void> {
    const key = conversationKey('web', ASKER.user, this.id);
    for (;;) {
      const [next] = await this.driver.core.store.web.events(key, this.transcript.position, 1);
      if (next === undefined && this.pendingFiles === 0) return;
      const target = next?.position ?? this.transcript.position;
      await this.driver.waitFor(
        () => this.transcript.position >= target && this.pendingFiles === 0,
        `event ${target} on the page`,
      );
    }
  }

  shown(): Shown {
    const messages = this.transcript.shown();
    const posts = messages.map((message) => ({ text: textOf(message), files: this.filesOf(message) }));
    const approvals = messages.flatMap((m) =>
      m.kind === 'approval' ? [{ text: textOf(m), open: m.outcome === undefined }] : [],
    );
    return shownOf(posts, approvals);
  }

  private filesOf(message: PageMessage) {
    const refs = message.kind === 'file' ? [message.file] : message.kind === 'tool' ? message.files : [];
    return refs.flatMap((ref) => {
      const bytes = this.files.get(ref.id);
      return bytes === undefined ? [] : [{ name: ref.name, bytes }];
    });
  }

  async send(text: string, files: readonly FileInput[] = []): Promise<void> {
    const uploads: string[] = [];
    for (const file of files) {
      const { id, sent } = await this.driver.client.upload(this.id, file);
      if (sent) this.driver.received.set(file.name, (this.driver.received.get(file.name) ?? 0) + 1);
      uploads.push(id);
    }
    const id = randomUUID();
    this.lastMessage = { id, text };
    await this.driver.client.send(this.id, id, text, uploads);
    await this.driver.taken(id);
  }

  say(text: string): Promise<void> {
    return this.send(text);
  }

  async cancel(): Promise<void> {
    await this.driver.client.ok('POST', `conversations/${this.id}/stop`);
  }

  async reset(): Promise<string> {
    const notices = () => this.transcript.shown().filter((m) => m.kind === 'notice');
    const before = notices().length;
    await this.driver.client.ok('POST', `conversations/${this.id}/reset`);
    await this.driver.waitFor(() => notices().length > before, 'the reset notice');
    return textOf(notices().at(-1) ?? { kind: 'notice', text: '', tone: 'plain' });
  }

  async decide(approve: boolean): Promise<string | undefined> {
    const open = this.transcript.shown().find((m) => m.kind === 'approval' && m.outcome === undefined);
    if (open?.kind !== 'approval') throw new Error('no approval prompt is open');
    const body = await this.driver.client.ok(
      'POST',
      `conversations/${this.id}/approvals/${open.approvalId}`,
      {
        approve,
      },
    );
    return body.result === 'accepted' ? undefined : String(body.message);
  }

  /** The page sends its last message again (its answer was lost with the connection): same id. */
  async redeliver(): Promise<void> {
    const last = this.lastMessage;
    if (last === undefined) throw new Error('nothing was sent');
    const body = await this.driver.client.send(this.id, last.id, last.text);
    if (body.outcome !== 'duplicate')
      this.driver.problems.push(`a message sent again was ${String(body.outcome)}`);
  }
}

/** A message's text as a person reads it: notices with their mark, prompts with their outcome. */
function textOf(message: PageMessage): string {
  switch (message.kind) {
    case 'answer':
    case 'tool':
      return message.text;
    case 'notice':
      return `${NOTICE[message.tone] ?? ''}${message.text}`;
    case 'approval': {
      const prompt = `🔐 The assistant wants to run \`${message.tool}\` with:\n\`\`\`json\n${message.arguments}\n\`\`\``;
      return message.outcome === undefined ? prompt : `${prompt}\n${message.outcome}`;
    }
    case 'file':
      return '';
  }
}
