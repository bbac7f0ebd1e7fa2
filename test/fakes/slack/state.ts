/** The fake workspace: one team, one bot, the users and channels tests talk about. */
export const FAKE_TEAM = {
  teamId: 'T0TEAM0001',
  teamName: 'Example',
  botUserId: 'U0BOT00001',
  botId: 'B0BOT00001',
  appId: 'A0APP00001',
  botToken: 'xoxb-fake-bot-token',
  appToken: 'xapp-fake-app-token',
  signingSecret: 'fake-signing-secret',
} as const;

type Json = Readonly<Record<string, unknown>>;

let lastMicros = 0;

/**
 * A fresh message ts (`seconds.micros`), later than every ts made before in this process, whether the
 * fake made it (the bot's messages) or a test did (users' messages): Slack's ts order is time order.
 */
export function freshTs(): string {
  lastMicros = Math.max(lastMicros + 1, Date.now() * 1000);
  return `${Math.floor(lastMicros / 1e6)}.${String(lastMicros % 1e6).padStart(6, '0')}`;
}

/** A message as the fake keeps it. */
export interface FakeMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  user: string;
  bot_id?: string;
  text?: string;
  blocks?: Json[];
  /** Streamed Markdown (chat.startStream / appendStream / stopStream). */
  markdown?: string;
  /** `streaming` until stopped (or closed by the fake, as Slack does after about 5 minutes). */
  stream?: 'streaming' | 'stopped';
  username?: string;
  icon_url?: string;
  files?: FakeFile[];
  deleted?: boolean;
  /** Message metadata the app posted with it (`event_type`, `event_payload`). */
  metadata?: { event_type: string; event_payload: Json };
  /** Every content the message has had, oldest first (post, then each update). */
  history: string[];
}

/** A file uploaded through files.getUploadURLExternal + upload + files.completeUploadExternal. */
export interface FakeFile {
  id: string;
  name: string;
  title: string;
  length: number;
  bytes?: Uint8Array;
  completed: boolean;
}

/** A user as users.info answers. */
export interface FakeUser {
  id: string;
  name: string;
  realName: string;
  displayName: string;
  image72: string;
}

/** A file users shared, as files.info describes it. */
export interface SharedFile {
  /** The full file object (objs_file). */
  file: Json;
  /** Slack Connect: the file's organisation does not let this app see it (files.info: access_denied). */
  denied: boolean;
}

/** A message only one user sees (chat.postEphemeral): never part of a channel or thread. */
export interface EphemeralMessage {
  channel: string;
  user: string;
  thread_ts?: string;
  text?: string;
  blocks?: readonly Json[];
  /** The `message_ts` Slack answers with. */
  ts: string;
}

/** Messages, uploads and users of the fake workspace. */
export class SlackState {
  readonly messages: FakeMessage[] = [];
  /** What chat.postEphemeral showed, to whom: nobody else sees these. */
  readonly ephemeral: EphemeralMessage[] = [];
  readonly files = new Map<string, FakeFile>();
  /** Files users shared, by id: what files.info answers. */
  readonly shared = new Map<string, SharedFile>();
  readonly users = new Map<string, FakeUser>();
  private counter = 0;

  nextTs(): string {
    return freshTs();
  }

  nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}0${String(this.counter).padStart(8, '0')}`;
  }

  find(channel: string, ts: string): FakeMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts && !m.deleted);
  }

  /** The thread's messages, root first, as conversations.replies lists them. */
  thread(channel: string, threadTs: string): FakeMessage[] {
    return this.messages.filter(
      (m) => m.channel === channel && !m.deleted && (m.ts === threadTs || m.thread_ts === threadTs),
    );
  }

  add(message: Omit<FakeMessage, 'history'>, content: string): FakeMessage {
    const stored: FakeMessage = { ...message, history: [content] };
    this.messages.push(stored);
    return stored;
  }
}
