import { ChannelType } from 'discord.js';
import { DiscordHttpError, invalidField } from '../http/errors.js';
import type { Route, RouteRequest } from '../http/router.js';
import { channelPayload } from '../payloads.js';
import type { FakeChannel, FakeMessage, FakePermission } from '../world.js';
import {
  componentsOf,
  contentOf,
  dispatchMessage,
  dispatchMessageDelete,
  dispatchReaction,
  dispatchThreadCreate,
  type FakeContext,
  mentionsIn,
  showMessage,
  storeUpload,
} from './context.js';

/** Channels, messages, threads from messages, typing and the bot's own reactions. */
export function channelRoutes(ctx: FakeContext): Route[] {
  const { world } = ctx;
  const channelOf = (request: RouteRequest): FakeChannel => {
    const channel = world.channels.get(request.params.channel_id ?? '');
    if (!channel) throw new DiscordHttpError('unknownChannel');
    return channel;
  };
  const messageOf = (request: RouteRequest, channel: FakeChannel): FakeMessage => {
    const message = world.messages.get(request.params.message_id ?? '');
    if (!message || message.deleted || message.channelId !== channel.id) {
      throw new DiscordHttpError('unknownMessage');
    }
    return message;
  };
  const needs = (channel: FakeChannel, permission: FakePermission) => {
    if (channel.type !== ChannelType.DM && world.denied(channel, permission)) {
      throw new DiscordHttpError('missingPermissions');
    }
  };
  const sendPermission = (channel: FakeChannel): FakePermission =>
    channel.type === ChannelType.PublicThread ? 'SendMessagesInThreads' : 'SendMessages';

  return [
    {
      method: 'GET',
      route: '/channels/{channel_id}',
      major: 'channel_id',
      handle: (request) => ({ status: 200, body: channelPayload(world, channelOf(request)) }),
    },
    {
      method: 'POST',
      route: '/channels/{channel_id}/messages',
      major: 'channel_id',
      handle(request) {
        const channel = channelOf(request);
        needs(channel, sendPermission(channel));
        if (request.files.length > 0) needs(channel, 'AttachFiles');
        const content = contentOf(request.json) ?? '';
        const nonce = nonceOf(request.json);
        // enforce_nonce: a message the same author made with this nonce lately is returned, not repeated.
        if (nonce?.enforce) {
          const earlier = [...world.messages.values()].find(
            (m) =>
              m.authorId === world.bot.id &&
              m.nonce === nonce.value &&
              Date.now() - m.createdAt < NONCE_WINDOW_MS,
          );
          if (earlier) return { status: 200, body: showMessage(ctx, earlier) };
        }
        if (content.trim() === '' && request.files.length === 0) throw new DiscordHttpError('emptyMessage');
        if (request.files.some((f) => f.bytes.byteLength > ctx.maxUploadBytes)) {
          throw new DiscordHttpError('entityTooLarge');
        }
        const message = world.addMessage({
          channelId: channel.id,
          authorId: world.bot.id,
          content,
          mentions: mentionsIn(world, content),
          attachments: request.files.map((file) => storeUpload(ctx, channel.id, file)),
          ...(nonce && { nonce: nonce.value }),
          components: componentsOf(request.json) ?? [],
        });
        dispatchMessage(ctx, 'MESSAGE_CREATE', message);
        return { status: 200, body: showMessage(ctx, message) };
      },
    },
    {
      method: 'GET',
      route: '/channels/{channel_id}/messages/{message_id}',
      major: 'channel_id',
      handle(request) {
        return { status: 200, body: showMessage(ctx, messageOf(request, channelOf(request))) };
      },
    },
    {
      method: 'PATCH',
      route: '/channels/{channel_id}/messages/{message_id}',
      major: 'channel_id',
      handle(request) {
        const message = messageOf(request, channelOf(request));
        if (message.authorId !== world.bot.id || message.webhookId !== undefined) {
          throw new DiscordHttpError('cannotEditOthers');
        }
        if (message.frozen) throw new DiscordHttpError('tooManyOldEdits');
        const content = contentOf(request.json);
        if (content !== undefined) {
          if (content.trim() === '' && message.attachments.length === 0) {
            throw new DiscordHttpError('emptyMessage');
          }
          message.content = content;
          message.mentions = mentionsIn(world, content);
        }
        const components = componentsOf(request.json);
        if (components !== undefined) message.components = components;
        message.editedAt = Date.now();
        dispatchMessage(ctx, 'MESSAGE_UPDATE', message);
        return { status: 200, body: showMessage(ctx, message) };
      },
    },
    {
      method: 'DELETE',
      route: '/channels/{channel_id}/messages/{message_id}',
      major: 'channel_id',
      handle(request) {
        const channel = channelOf(request);
        const message = messageOf(request, channel);
        message.deleted = true;
        dispatchMessageDelete(ctx, channel, message);
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      route: '/channels/{channel_id}/messages/{message_id}/threads',
      major: 'channel_id',
      handle(request) {
        const channel = channelOf(request);
        if (channel.type !== ChannelType.GuildText) throw new DiscordHttpError('wrongChannelType');
        const message = messageOf(request, channel);
        needs(channel, 'CreatePublicThreads');
        if (message.threadId !== undefined) throw new DiscordHttpError('threadExists');
        const name = (request.json as { name?: unknown } | undefined)?.name;
        if (typeof name !== 'string' || name.trim().length === 0 || [...name].length > 100) {
          throw invalidField('name', 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
        }
        // A thread started from a message has that message's id.
        const thread = world.addThread(channel, name, world.bot.id, message.id);
        message.threadId = thread.id;
        dispatchThreadCreate(ctx, thread);
        return { status: 201, body: channelPayload(world, thread) };
      },
    },
    {
      method: 'POST',
      route: '/channels/{channel_id}/typing',
      major: 'channel_id',
      handle(request) {
        const channel = channelOf(request);
        needs(channel, sendPermission(channel));
        return { status: 204 };
      },
    },
    {
      method: 'PUT',
      route: '/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me',
      major: 'channel_id',
      handle(request) {
        const channel = channelOf(request);
        const message = messageOf(request, channel);
        needs(channel, 'AddReactions');
        const emoji = request.params.emoji_name ?? '';
        const users = message.reactions.get(emoji) ?? new Set<string>();
        users.add(world.bot.id);
        message.reactions.set(emoji, users);
        dispatchReaction(ctx, channel, message, world.bot.id, emoji);
        return { status: 204 };
      },
    },
    {
      method: 'DELETE',
      route: '/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me',
      major: 'channel_id',
      handle(request) {
        const channel = channelOf(request);
        const message = messageOf(request, channel);
        message.reactions.get(request.params.emoji_name ?? '')?.delete(world.bot.id);
        return { status: 204 };
      },
    },
  ];
}

/** Discord checks an enforced nonce against the author's messages of "the past few minutes". */
const NONCE_WINDOW_MS = 5 * 60 * 1000;

/** A message's `nonce` (at most 25 characters, as Discord checks) and whether it is enforced. */
function nonceOf(json: unknown): { value: string; enforce: boolean } | undefined {
  const body = json as { nonce?: unknown; enforce_nonce?: unknown } | undefined;
  if (body?.nonce === undefined || body.nonce === null) return undefined;
  const value = String(body.nonce);
  if (value.length > 25)
    throw invalidField('nonce', 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
  return { value, enforce: body.enforce_nonce === true };
}
