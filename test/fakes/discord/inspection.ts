import { type WaitForOptions, waitForChange } from '../shared/wait-for-change.js';
import type { Gateway, GatewaySession, GatewayStats } from './gateway.js';
import type { RateLimits } from './http/rate-limits.js';
import type { RecordedCall, RecordedDownload, Recorder, SentBody } from './http/recorder.js';
import type { FakeChannel, FakeInteraction, FakeMessage, World } from './world.js';

/**
 * What a test reads from the fake Discord: the world (channels, messages, threads, interactions,
 * commands), the calls the bot made, and a wait on any change. `FakeDiscord` adds the acting.
 */
export abstract class FakeDiscordInspection {
  abstract readonly world: World;
  abstract readonly recorder: Recorder;
  abstract readonly gateway: Gateway;
  protected abstract readonly limits: RateLimits;

  channel(id: string): FakeChannel {
    const channel = this.world.channels.get(id);
    if (!channel) throw new Error(`fake Discord: no channel ${id}`);
    return channel;
  }

  message(id: string): FakeMessage {
    const message = this.world.messages.get(id);
    if (!message) throw new Error(`fake Discord: no message ${id}`);
    return message;
  }

  /** Messages in a channel or thread, not deleted, oldest first. */
  messages(channelId: string): FakeMessage[] {
    return this.world.messagesIn(channelId);
  }

  /** What the bot posted in a channel or thread (interaction responses included), oldest first. */
  botMessages(channelId: string): FakeMessage[] {
    return this.messages(channelId).filter((m) => m.authorId === this.world.bot.id);
  }

  /** Threads under a channel, oldest first. */
  threads(channelId: string): FakeChannel[] {
    return this.world.threadsOf(channelId);
  }

  interaction(id: string): FakeInteraction {
    const interaction = this.world.interactions.get(id);
    if (!interaction) throw new Error(`fake Discord: no interaction ${id}`);
    return interaction;
  }

  /** Commands registered globally (`global`) or in a guild (its id). */
  commands(scope: string): Record<string, unknown>[] {
    return this.world.commands.get(scope) ?? [];
  }

  get calls(): readonly RecordedCall[] {
    return this.recorder.calls;
  }

  /** Calls to one route template, e.g. `('PATCH', '/channels/{channel_id}/messages/{message_id}')`. */
  callsTo(method: string, route: string): RecordedCall[] {
    return this.recorder.calls.filter((c) => c.method === method && c.route === route);
  }

  get sent(): readonly SentBody[] {
    return this.recorder.sent;
  }

  get downloads(): readonly RecordedDownload[] {
    return this.recorder.downloads;
  }

  /** How many 429s the fake answered. */
  get rateLimited(): number {
    return this.limits.sent429;
  }

  get gatewayStats(): GatewayStats {
    return this.gateway.stats;
  }

  /** The gateway session events go to (its intents, sequence, events). */
  get session(): GatewaySession | undefined {
    return this.gateway.session;
  }

  /** Resolves with `probe()`'s first truthy value, re-checked at every call, event and download. */
  waitFor<T>(probe: () => T | undefined | null | false, options?: WaitForOptions): Promise<T> {
    return waitForChange('fake Discord', (listener) => this.recorder.onChange(listener), probe, options);
  }
}
