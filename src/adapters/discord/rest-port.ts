import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type APIMessage,
  type APIThreadChannel,
  ButtonStyle,
  ComponentType,
  HTTPError,
  type REST,
  Routes,
} from 'discord.js';
import { MessageGoneError } from '../kit/live-text.js';
import { isMessageGone } from './discord-errors.js';

/** A file to upload with a message. */
export interface UploadFile {
  name: string;
  data: Uint8Array;
  contentType?: string;
}

/** A button under a message; clicks arrive as MESSAGE_COMPONENT interactions carrying `customId`. */
export interface MessageButton {
  customId: string;
  label: string;
  style: 'success' | 'danger';
}

/**
 * The Discord calls the adapter makes, by channel and message id only: replies are addressed by ids
 * kept in the store, so whichever process runs a queued message can answer it, with no cache needed.
 */
export interface DiscordPort {
  /**
   * Posts a message (with a row of buttons, when given); resolves with its id. With a key (see
   * `CallOptions.key`), a message the bot already posted under it in the last few minutes (by a
   * process that died before it could journal it) is returned instead of a second one; when that
   * may be so (`mayExist`: a resumed answer), it is edited to this content if it shows another.
   */
  post(
    channelId: string,
    content: string,
    files?: readonly UploadFile[],
    buttons?: readonly MessageButton[],
    keyed?: KeyedPost,
  ): Promise<string>;
  /**
   * Edits a message's content, and its buttons when given (`[]` removes them). Throws
   * MessageGoneError when the message was deleted (10008) or can no longer be edited (30046).
   */
  edit(
    channelId: string,
    messageId: string,
    content: string,
    buttons?: readonly MessageButton[],
  ): Promise<void>;
  remove(channelId: string, messageId: string): Promise<void>;
  typing(channelId: string): Promise<void>;
  react(channelId: string, messageId: string, emoji: string): Promise<void>;
  unreact(channelId: string, messageId: string, emoji: string): Promise<void>;
  /** Starts a public thread from a message; the thread gets the message's id. */
  startThread(channelId: string, messageId: string, name: string): Promise<string>;
}

/** What names a post across processes (see `CallOptions.key` in kit/chat-surface.ts). */
export interface KeyedPost {
  key?: string | undefined;
  mayExist?: boolean | undefined;
}

/** Answers never ping anyone: the model's text may contain `@everyone` or user mentions. */
const NO_PINGS = { parse: [] } as const;

/** Threads the bot opens are archived after a day without messages. */
const AUTO_ARCHIVE_MINUTES = 1440;

/** Buttons as one action row of a message body; no `components` field when undefined. */
function componentsOf(buttons: readonly MessageButton[] | undefined) {
  if (buttons === undefined) return {};
  if (buttons.length === 0) return { components: [] };
  return {
    components: [
      {
        type: ComponentType.ActionRow,
        components: buttons.map((b) => ({
          type: ComponentType.Button,
          custom_id: b.customId,
          label: b.label,
          style: b.style === 'success' ? ButtonStyle.Success : ButtonStyle.Danger,
        })),
      },
    ],
  };
}

/**
 * discord.js retries a 5xx at once, three times; when Discord is still failing after that, posts and
 * edits wait this long and are tried again (each time with discord.js's own retries), so that an
 * outage of a few seconds costs no answer. Both are safe to repeat: posts carry an enforced nonce.
 */
export const SERVER_ERROR_BACKOFF_MS = [1000, 2000] as const;

/** What `createRestPort` may be given for tests. */
export interface RestPortOptions {
  /** The waits before each further try after a 5xx (default SERVER_ERROR_BACKOFF_MS). */
  serverErrorBackoffMs?: readonly number[];
}

/** The port over discord.js's REST client (rate-limit queues, retries and all). */
export function createRestPort(rest: REST, options: RestPortOptions = {}): DiscordPort {
  const backoff = options.serverErrorBackoffMs ?? SERVER_ERROR_BACKOFF_MS;
  const riding = <T>(call: () => Promise<T>) => rideOutServerErrors(call, backoff);
  const port: DiscordPort = {
    async post(channelId, content, files = [], buttons, keyed = {}) {
      const { key, mayExist } = keyed;
      // Every try of this message carries the same nonce: when Discord had made the message before
      // failing, the enforced nonce makes it return that message instead of posting it twice. A keyed
      // message's nonce is the same in every process, so a post repeated after a crash is caught too.
      const nonce = key === undefined ? messageNonce() : keyedNonce(key);
      const message = await riding(
        async () =>
          (await rest.post(Routes.channelMessages(channelId), {
            body: {
              content,
              allowed_mentions: NO_PINGS,
              nonce,
              enforce_nonce: true,
              ...componentsOf(buttons),
            },
            files: files.map((f) => ({
              name: f.name,
              data: Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength),
              ...(f.contentType !== undefined && { contentType: f.contentType }),
            })),
          })) as APIMessage,
      );
      // Returned, not made: an earlier process posted it, with what the text was then. (Only a resumed
      // answer looks: Discord may tidy the content it keeps, which would cost every post an edit.)
      if (mayExist === true && message.content.trim() !== content.trim()) {
        await port.edit(channelId, message.id, content, buttons);
      }
      return message.id;
    },
    async edit(channelId, messageId, content, buttons) {
      try {
        await riding(() =>
          rest.patch(Routes.channelMessage(channelId, messageId), {
            body: { content, allowed_mentions: NO_PINGS, ...componentsOf(buttons) },
          }),
        );
      } catch (error) {
        if (isMessageGone(error)) throw new MessageGoneError('message gone or frozen', { cause: error });
        throw error;
      }
    },
    async remove(channelId, messageId) {
      await rest.delete(Routes.channelMessage(channelId, messageId));
    },
    async typing(channelId) {
      await rest.post(Routes.channelTyping(channelId));
    },
    async react(channelId, messageId, emoji) {
      await rest.put(Routes.channelMessageOwnReaction(channelId, messageId, encodeURIComponent(emoji)));
    },
    async unreact(channelId, messageId, emoji) {
      await rest.delete(Routes.channelMessageOwnReaction(channelId, messageId, encodeURIComponent(emoji)));
    },
    async startThread(channelId, messageId, name) {
      const thread = (await rest.post(Routes.threads(channelId, messageId), {
        body: { name, auto_archive_duration: AUTO_ARCHIVE_MINUTES },
      })) as APIThreadChannel;
      return thread.id;
    },
  };
  return port;
}

/** Discord refuses a longer nonce. */
const MAX_NONCE_LENGTH = 25;

/** The nonce of a keyed message: the same for the same key in every process (144 bits of SHA-256). */
export function keyedNonce(key: string): string {
  return createHash('sha256')
    .update(key)
    .digest('base64url')
    .slice(0, MAX_NONCE_LENGTH - 1);
}

/** A fresh nonce for one message: random, within Discord's 25 characters. */
export function messageNonce(): string {
  return randomBytes(12).toString('base64url');
}

/** Runs `call`; after a 5xx that discord.js's own retries did not get past, waits and tries again. */
export async function rideOutServerErrors<T>(
  call: () => Promise<T>,
  backoffMs: readonly number[],
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const wait = backoffMs[attempt];
      if (wait === undefined || !(error instanceof HTTPError && error.status >= 500)) throw error;
      await sleep(wait);
    }
  }
}
