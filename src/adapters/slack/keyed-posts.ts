import type { Logger } from '../../core/logger.js';
import type { ShareKey } from '../kit/fair-share.js';
import type { SlackAddress } from './parse.js';
import { type SlackApi, slackErrorOf } from './slack-api.js';

/** The `event_type` of the metadata that names the bot's posts (see `CallOptions.key`). */
export const POST_EVENT_TYPE = 'threadloom_post';

/** Pages of a thread read when looking for keyed posts (200 messages each): a resumed answer is recent. */
const MAX_PAGES = 5;

/** The `metadata` argument of a post named `key` (none without a key). */
export function keyMetadata(key: string | undefined): { metadata?: Record<string, unknown> } {
  return key === undefined ? {} : { metadata: { event_type: POST_EVENT_TYPE, event_payload: { key } } };
}

/** A thread message as conversations.replies lists it with `include_all_metadata`. */
interface ListedMessage {
  ts?: string;
  bot_id?: string;
  metadata?: { event_type?: string; event_payload?: { key?: unknown } };
}

/**
 * The bot's keyed posts in one thread, read once (conversations.replies with their metadata) the
 * first time a resumed answer asks: Slack cannot refuse a repeated post by itself, so a post that a
 * process which died may already have made is looked for before it is made again. Only resumed
 * answers ask, so a new answer never pays for the read.
 */
export class KeyedPosts {
  private read: Promise<Map<string, string>> | undefined;

  constructor(
    private readonly api: SlackApi,
    private readonly address: SlackAddress,
    private readonly share: ShareKey,
    private readonly log: Logger,
  ) {}

  /** The ts of the bot's message posted under `key` in the thread, if there is one. */
  async find(key: string): Promise<string | undefined> {
    this.read ??= this.readThread();
    return (await this.read).get(key);
  }

  private async readThread(): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const { channel, thread } = this.address;
    if (thread === '') return found;
    let cursor: string | undefined;
    try {
      for (let page = 0; page < MAX_PAGES; page++) {
        const result = await this.api.call(
          'conversations.replies',
          { channel, ts: thread, include_all_metadata: true, limit: 200, ...(cursor && { cursor }) },
          { priority: 'first', share: this.share },
        );
        for (const message of (result.messages ?? []) as readonly ListedMessage[]) {
          const key = message.metadata?.event_payload?.key;
          if (message.metadata?.event_type !== POST_EVENT_TYPE || typeof key !== 'string') continue;
          if (message.ts !== undefined && message.bot_id !== undefined) found.set(key, message.ts);
        }
        cursor = (result.response_metadata as { next_cursor?: string } | undefined)?.next_cursor;
        if (result.has_more !== true || !cursor) break;
      }
    } catch (error) {
      // Not knowing costs at worst a message shown twice: the answer still goes out.
      this.log.warn(
        { err: error, slackError: slackErrorOf(error) },
        'Slack: could not look for what a resumed answer already posted',
      );
    }
    return found;
  }
}
