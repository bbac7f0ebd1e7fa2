import type { ConversationKey } from '../../core/conversation.js';

/** Conversations remembered per user and channel; older ones fall off. */
const PER_USER_CHANNEL = 10;
/** Users and channels remembered in all; the least recently active go first. */
const MAX_ENTRIES = 10_000;

/**
 * The conversations each user started lately in each channel, for `/reset` and `/cancel`: Slack has no
 * slash commands inside threads, so at channel level they act on the user's own recent threads.
 * In memory, so per instance: with several instances, the threads a user wrote in through another one
 * are not among them (a thread's `!cancel` and `!reset` reach any instance's run).
 */
export class RecentConversations {
  private readonly entries = new Map<string, ConversationKey[]>();

  remember(channel: string, user: string, key: ConversationKey): void {
    const id = `${channel}:${user}`;
    const keys = (this.entries.get(id) ?? []).filter((k) => k !== key);
    keys.push(key);
    this.entries.delete(id);
    this.entries.set(id, keys.slice(-PER_USER_CHANNEL));
    if (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  /** Newest last. */
  of(channel: string, user: string): readonly ConversationKey[] {
    return this.entries.get(`${channel}:${user}`) ?? [];
  }
}
