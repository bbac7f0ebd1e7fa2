import { ChannelType, GatewayIntentBits } from 'discord.js';
import type { Gateway } from '../gateway.js';
import { reactionAddPayload } from '../gateway-payloads.js';
import { invalidField } from '../http/errors.js';
import type { UploadedFile } from '../http/router.js';
import { snowflake } from '../ids.js';
import { channelPayload, gatewayMessagePayload, messagePayload } from '../payloads.js';
import type { FakeAttachment, FakeChannel, FakeMessage, World } from '../world.js';

/** Discord's limit for one message's content, in characters. */
export const MAX_CONTENT_LENGTH = 2000;

/** What every route module works with. */
export interface FakeContext {
  world: World;
  gateway: Gateway;
  /** `http://127.0.0.1:<port>`: the fake's own attachment host. */
  origin(): string;
  /** Interactions must be answered within this long (Discord: 3 s). */
  interactionAckMs: number;
  /** The largest file a bot may upload (Discord: 10 MiB without boosts). */
  maxUploadBytes: number;
}

/** Keeps an uploaded file and serves it at the fake's attachment host, as Discord's CDN would. */
export function storeUpload(ctx: FakeContext, channelId: string, file: UploadedFile): FakeAttachment {
  const id = snowflake();
  return {
    id,
    filename: file.name,
    size: file.bytes.byteLength,
    contentType: file.contentType || undefined,
    url: `${ctx.origin()}/attachments/${channelId}/${id}/${encodeURIComponent(file.name)}`,
    bytes: file.bytes,
  };
}

/** Sends a message event to the bot, content hidden as Discord hides it without the intent. */
export function dispatchMessage(
  ctx: Pick<FakeContext, 'world' | 'gateway'>,
  t: 'MESSAGE_CREATE' | 'MESSAGE_UPDATE',
  message: FakeMessage,
): void {
  const channel = ctx.world.channels.get(message.channelId);
  const intent =
    channel?.type === ChannelType.DM ? GatewayIntentBits.DirectMessages : GatewayIntentBits.GuildMessages;
  ctx.gateway.dispatch(
    t,
    (session) =>
      gatewayMessagePayload(ctx.world, message, (session.intents & GatewayIntentBits.MessageContent) !== 0),
    { guildId: channel?.guildId, intent },
  );
}

/** THREAD_CREATE, which every bot with the Guilds intent gets for threads in channels it can see. */
export function dispatchThreadCreate(ctx: FakeContext, thread: FakeChannel): void {
  ctx.gateway.dispatch(
    'THREAD_CREATE',
    () => ({ ...channelPayload(ctx.world, thread), newly_created: true }),
    { guildId: thread.guildId, intent: GatewayIntentBits.Guilds },
  );
}

/** MESSAGE_REACTION_ADD, to bots with the reaction intent for that kind of channel. */
export function dispatchReaction(
  ctx: FakeContext,
  channel: FakeChannel,
  message: FakeMessage,
  userId: string,
  emoji: string,
): void {
  const intent =
    channel.type === ChannelType.DM
      ? GatewayIntentBits.DirectMessageReactions
      : GatewayIntentBits.GuildMessageReactions;
  ctx.gateway.dispatch(
    'MESSAGE_REACTION_ADD',
    () => reactionAddPayload(ctx.world, channel, message, userId, emoji),
    { guildId: channel.guildId, intent },
  );
}

/** MESSAGE_DELETE. */
export function dispatchMessageDelete(ctx: FakeContext, channel: FakeChannel, message: FakeMessage): void {
  ctx.gateway.dispatch(
    'MESSAGE_DELETE',
    () => ({
      id: message.id,
      channel_id: channel.id,
      ...(channel.guildId !== undefined && { guild_id: channel.guildId }),
    }),
    { guildId: channel.guildId },
  );
}

/** The message as REST returns it. */
export function showMessage(ctx: FakeContext, message: FakeMessage) {
  return messagePayload(ctx.world, message);
}

/** Checks `content` as Discord does (at most 2000 characters) and returns it; undefined when absent. */
export function contentOf(json: unknown): string | undefined {
  const content = (json as { content?: unknown } | undefined)?.content;
  if (content === undefined || content === null) return undefined;
  if (typeof content !== 'string') throw invalidField('content', 'STRING_TYPE_CONVERT', 'Must be a string.');
  // Discord counts characters (code points), not UTF-16 units.
  if ([...content].length > MAX_CONTENT_LENGTH) {
    throw invalidField(
      'content',
      'BASE_TYPE_MAX_LENGTH',
      `Must be ${MAX_CONTENT_LENGTH} or fewer in length.`,
    );
  }
  return content;
}

/**
 * `components` of a message body as Discord keeps them: action rows of buttons (the only kind the
 * fake knows), each numbered with an `id` as Discord numbers them. Undefined when the body has none.
 */
export function componentsOf(json: unknown): Record<string, unknown>[] | undefined {
  const components = (json as { components?: unknown } | undefined)?.components;
  if (components === undefined || components === null) return undefined;
  if (!Array.isArray(components)) throw invalidField('components', 'BASE_TYPE_LIST', 'Must be a list.');
  if (components.length > 5)
    throw invalidField('components', 'BASE_TYPE_MAX_LENGTH', 'Must be 5 or fewer in length.');
  let id = 0;
  return components.map((row: { type?: unknown; components?: unknown }, i) => {
    if (row?.type !== 1 || !Array.isArray(row.components)) {
      throw invalidField(
        `components.${i}`,
        'UNION_TYPE_CHOICES',
        'Value of field "type" must be one of (1,).',
      );
    }
    const rowId = ++id;
    const buttons = row.components.map((button: Record<string, unknown>, j) => {
      const customId = button?.custom_id;
      if (
        button?.type !== 2 ||
        typeof customId !== 'string' ||
        customId.length === 0 ||
        customId.length > 100
      ) {
        throw invalidField(`components.${i}.components.${j}`, 'COMPONENT_INVALID', 'Invalid button.');
      }
      return { ...button, id: ++id };
    });
    return { type: 1, id: rowId, components: buttons };
  });
}

/** Users mentioned as `<@id>` or `<@!id>` in the content, that the fake knows. */
export function mentionsIn(world: World, content: string): string[] {
  const ids = [...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1] as string);
  return [...new Set(ids)].filter((id) => world.users.has(id));
}
