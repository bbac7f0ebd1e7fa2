import { type Client, InteractionResponseType, MessageFlags, type REST, Routes } from 'discord.js';

/** A gateway dispatch as discord.js handles it (`t` the event type, `d` its data). */
interface GatewayPacket {
  t?: string | null;
  d?: unknown;
}

/** A gateway event discord.js could not read, and so dropped. */
export interface DroppedPacket {
  /** The event type (`INTERACTION_CREATE`...), `unknown` if the packet had none. */
  type: string;
  shard: number | undefined;
  error: unknown;
  /** The packet's data, for answering what can still be answered (see `answerDroppedInteraction`). */
  data: unknown;
}

/** The one discord.js internal the guard relies on; checked at start, so an upgrade that drops it fails loudly. */
interface PacketHandling {
  handlePacket(packet?: GatewayPacket, shard?: { id: number }): boolean;
}

/**
 * Makes a gateway event discord.js cannot read cost that event, not the process.
 *
 * discord.js turns each dispatch into its structures synchronously in its WebSocket manager's
 * `handlePacket`, called from @discordjs/ws's async message handler: a throw there (an
 * INTERACTION_CREATE without `entitlements`, as Discord sent in July 2024, makes BaseInteraction's
 * constructor throw) becomes an unhandled rejection, and Node ends the process, taking every other
 * adapter and running answer with it. The `raw` event and @discordjs/ws's `dispatch` come before that
 * call but cannot stop it; `handlePacket` is the one place where a packet is read, so this client's
 * manager gets it wrapped: a packet that throws is dropped and reported, and the next one is read as
 * usual. The gateway's sequence number was already taken, so a RESUME does not replay the packet, and
 * Discord does not redeliver events to a new session: a restart cannot meet it again.
 */
export function guardPackets(client: Client, onDropped: (dropped: DroppedPacket) => void): void {
  const manager = client.ws as unknown as Partial<PacketHandling>;
  if (typeof manager.handlePacket !== 'function') {
    throw new Error(
      'discord.js no longer has WebSocketManager#handlePacket: the packet guard needs updating',
    );
  }
  const handle = manager.handlePacket.bind(manager);
  manager.handlePacket = (packet, shard) => {
    try {
      return handle(packet, shard);
    } catch (error) {
      onDropped({ type: packet?.t ?? 'unknown', shard: shard?.id, error, data: packet?.d });
      return true;
    }
  };
}

/** What the user of a dropped interaction reads instead of "The application did not respond". */
export const DROPPED_INTERACTION_REPLY =
  '⚠️ Discord sent this request in a form I could not read, so I could not act on it. Please try again.';

/**
 * Answers an interaction that was dropped unread, when its id and token survived: an ephemeral line
 * instead of Discord's "The application did not respond". The interaction callback needs no bot token.
 */
export async function answerDroppedInteraction(rest: REST, data: unknown): Promise<boolean> {
  const { id, token } = (data ?? {}) as { id?: unknown; token?: unknown };
  if (typeof id !== 'string' || typeof token !== 'string') return false;
  await rest.post(Routes.interactionCallback(id, token), {
    body: {
      type: InteractionResponseType.ChannelMessageWithSource,
      data: { content: DROPPED_INTERACTION_REPLY, flags: MessageFlags.Ephemeral },
    },
    auth: false,
  });
  return true;
}
