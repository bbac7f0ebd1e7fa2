import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ConsoleAdapter } from '../../../src/adapters/console/console-adapter.js';
import { CONSOLE_LIMITS } from '../../../src/console.js';
import { conversationKey } from '../../../src/core/conversation.js';
import type { FakeOpenAI } from '../../../src/model-server/index.js';
import { waitForChange } from '../../fakes/shared/wait-for-change.js';
import { Harness } from '../harness.js';
import type { AdapterDriver, Conversation, DriverOptions, Person, PlatformDriver, Shown } from './driver.js';
import { shownOf } from './driver.js';

/** The console: one line in, the answer out (piped, as scripts use it); a session is a conversation. */
export const consoleDriver: PlatformDriver = {
  name: 'console',
  cannot: {
    people: 'the console has one user',
    queue: 'the console reads the next line once the answer is written',
    cancel: 'the console has no way to stop an answer',
    redelivery: 'standard input delivers each line once',
    attachments: 'the console reads lines of text only',
    toolDisplay: 'the console always shows the tools in full',
    messageLimit: 'the console prints an answer of any length as it is',
    limits: 'the operator at the console is not held to the chat users’ limits (CONSOLE_LIMITS)',
  },
  async start(options: DriverOptions): Promise<AdapterDriver> {
    const core = await Harness.start('assistants', {
      ...(options.tools && { tools: options.tools }),
      ...(options.approvalTimeoutMs !== undefined && { approvalTimeoutMs: options.approvalTimeoutMs }),
      // As `npm run console` runs it: every line is answered, whatever the chat limits.
      limits: CONSOLE_LIMITS,
    });
    return new ConsoleDriver(core, mkdtempSync(join(tmpdir(), 'console-contract-')));
  },
};

/** The console running on one session: what is typed in, and when it is done. */
interface Running {
  session: string;
  input: PassThrough;
  done: Promise<void>;
}

const OUTCOME = /^\[approval\] (approved|denied|no answer in time: denied|the run stopped: not run)$/;

class ConsoleDriver implements AdapterDriver {
  /** Each session's output, across restarts. */
  readonly transcripts = new Map<string, string>();
  private readonly changes = new EventEmitter();
  private running: Running | undefined;
  private sessions = 0;

  constructor(
    readonly core: Harness,
    private readonly outputDir: string,
  ) {}

  get model(): FakeOpenAI {
    return this.core.fake;
  }

  mention(): string {
    throw new Error('the console has one user');
  }

  async ask(text: string): Promise<Conversation> {
    const conversation = new ConsoleConversation(this, `session${++this.sessions}`);
    await conversation.say(text);
    return conversation;
  }

  /**
   * The console's input for `session`: the console already running on it, or a new one (the one
   * running on another session is closed first, as a person ends one `npm run console` to start another).
   */
  async attach(session: string): Promise<PassThrough> {
    if (this.running?.session === session) return this.running.input;
    await this.detach();
    const input = new PassThrough();
    const out = new PassThrough();
    out.on('data', (chunk: Buffer) => {
      this.transcripts.set(session, (this.transcripts.get(session) ?? '') + chunk.toString());
      this.changes.emit('change');
    });
    const adapter = new ConsoleAdapter({
      input,
      out,
      status: undefined,
      terminal: undefined,
      outputDir: this.outputDir,
      session,
    });
    this.running = { session, input, done: adapter.run(this.core.port) };
    return input;
  }

  /** Ends the input of the console running, and waits until it is done. */
  private async detach(): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    running.input.end();
    await running.done;
  }

  /** How many messages of this session the console submitted. */
  submitted(session: string): number {
    const key = conversationKey('console', session);
    return this.core.submissions.filter((s) => s.message.key === key).length;
  }

  async restart(): Promise<void> {
    const session = this.running?.session;
    await this.detach();
    if (session !== undefined) await this.attach(session);
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
    return waitForChange('console', onChange, probe, { what, timeoutMs: 10_000 });
  }

  idle(): Promise<void> {
    return this.core.orchestrator.idle();
  }

  downloads(): number {
    return 0;
  }

  brokenRules(): string[] {
    return [];
  }

  async close(): Promise<void> {
    await this.detach();
    await this.core.close();
    rmSync(this.outputDir, { recursive: true, force: true });
  }
}

class ConsoleConversation implements Conversation {
  constructor(
    private readonly driver: ConsoleDriver,
    private readonly session: string,
  ) {}

  private lines(): string[] {
    return (this.driver.transcripts.get(this.session) ?? '').split('\n');
  }

  /** One stream of text; files are saved and announced as `[image] <path>` or `[file] <path>`. */
  shown(): Shown {
    const text = (this.driver.transcripts.get(this.session) ?? '').trimEnd();
    const files = this.lines().flatMap((line) => {
      const path = /^\[(?:image|file)\] (.+)$/.exec(line)?.[1];
      return path === undefined ? [] : [{ name: basename(path), bytes: new Uint8Array(readFileSync(path)) }];
    });
    return shownOf(text === '' ? [] : [{ text, files }], this.approvals());
  }

  /** Each prompt line with the outcome line that settled it, if any yet. */
  private approvals() {
    const lines = this.lines();
    return lines.flatMap((line, i) => {
      if (!/^\[approval\] .* needs your approval/.test(line)) return [];
      const outcome = lines.slice(i + 1).find((l) => OUTCOME.test(l));
      return [{ text: outcome === undefined ? line : `${line}\n${outcome}`, open: outcome === undefined }];
    });
  }

  private async type(line: string): Promise<void> {
    (await this.driver.attach(this.session)).write(`${line}\n`);
  }

  async say(text: string): Promise<void> {
    const before = this.driver.submitted(this.session);
    await this.type(text);
    await this.driver.waitFor(() => this.driver.submitted(this.session) > before, `"${text}" taken`);
  }

  cancel(): Promise<void> {
    return Promise.reject(new Error('the console has no way to stop an answer'));
  }

  async reset(): Promise<string> {
    const notices = () => this.lines().filter((l) => l.startsWith('[notice] '));
    const before = notices().length;
    await this.type('/reset');
    await this.driver.waitFor(() => notices().length > before, 'the reset notice');
    return notices().at(-1) ?? '';
  }

  /** The one user answers y or n on the next line; whoever `who` is, it is them. */
  async decide(approve: boolean, who: Person): Promise<string | undefined> {
    if (who === 'stranger') throw new Error('the console has one user');
    const decided = () => this.lines().filter((l) => OUTCOME.test(l)).length;
    const before = decided();
    await this.type(approve ? 'y' : 'n');
    await this.driver.waitFor(() => decided() > before, 'the approval decided');
    return undefined;
  }

  redeliver(): Promise<void> {
    return Promise.reject(new Error('standard input delivers each line once'));
  }
}
