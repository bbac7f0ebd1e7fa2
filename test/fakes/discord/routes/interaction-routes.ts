import { InteractionResponseType, MessageFlags } from 'discord.js';
import { DiscordHttpError, invalidField } from '../http/errors.js';
import type { Route, RouteRequest } from '../http/router.js';
import type { FakeInteraction, FakeMessage } from '../world.js';
import {
  componentsOf,
  contentOf,
  dispatchMessage,
  type FakeContext,
  mentionsIn,
  showMessage,
  storeUpload,
} from './context.js';

/**
 * Interaction callbacks (answer within 3 s, once) and the interaction's webhook: the original
 * response (@original) and follow-ups, valid only after the callback.
 */
export function interactionRoutes(ctx: FakeContext): Route[] {
  const { world } = ctx;
  const byToken = (request: RouteRequest): FakeInteraction => {
    if (request.params.webhook_id !== world.bot.id) throw new DiscordHttpError('unknownWebhook');
    const token = request.params.webhook_token;
    const interaction = [...world.interactions.values()].find((i) => i.token === token);
    if (!interaction) throw new DiscordHttpError('unknownWebhook');
    return interaction;
  };
  const original = (interaction: FakeInteraction): FakeMessage => {
    const message =
      interaction.originalMessageId === undefined
        ? undefined
        : world.messages.get(interaction.originalMessageId);
    if (!message || message.deleted) throw new DiscordHttpError('unknownMessage');
    return message;
  };
  const respond = (interaction: FakeInteraction, content: string, flags: number, request: RouteRequest) => {
    const message = world.addMessage({
      channelId: interaction.channelId,
      authorId: world.bot.id,
      content,
      mentions: mentionsIn(world, content),
      type: 20,
      flags,
      webhookId: world.bot.id,
      attachments: request.files.map((file) => storeUpload(ctx, interaction.channelId, file)),
    });
    // Ephemeral messages are for the user alone: the bot's gateway never sees them.
    if ((flags & MessageFlags.Ephemeral) === 0) dispatchMessage(ctx, 'MESSAGE_CREATE', message);
    return message;
  };
  const edit = (message: FakeMessage, request: RouteRequest) => {
    const content = contentOf(request.json);
    if (content !== undefined) {
      message.content = content;
      message.mentions = mentionsIn(world, content);
    }
    message.flags &= ~MessageFlags.Loading;
    message.editedAt = Date.now();
    if ((message.flags & MessageFlags.Ephemeral) === 0) dispatchMessage(ctx, 'MESSAGE_UPDATE', message);
    return { status: 200, body: showMessage(ctx, message) };
  };

  return [
    {
      method: 'POST',
      route: '/interactions/{interaction_id}/{interaction_token}/callback',
      auth: false,
      global: false,
      major: 'interaction_id',
      handle(request) {
        const interaction = world.interactions.get(request.params.interaction_id ?? '');
        if (!interaction || interaction.token !== request.params.interaction_token) {
          throw new DiscordHttpError('unknownInteraction');
        }
        if (interaction.acknowledged) throw new DiscordHttpError('alreadyAcknowledged');
        if (Date.now() - interaction.createdAt > ctx.interactionAckMs) {
          throw new DiscordHttpError('unknownInteraction');
        }
        const body = (request.json ?? {}) as { type?: unknown; data?: { flags?: unknown } };
        const flags = typeof body.data?.flags === 'number' ? body.data.flags & MessageFlags.Ephemeral : 0;
        let message: FakeMessage;
        if (
          interaction.kind === 'component' &&
          (body.type === InteractionResponseType.DeferredMessageUpdate ||
            body.type === InteractionResponseType.UpdateMessage)
        ) {
          // A button's message is updated in place (7), or will be later (6): no new message.
          const clicked = world.messages.get(interaction.messageId ?? '');
          if (!clicked || clicked.deleted) throw new DiscordHttpError('unknownMessage');
          if (body.type === InteractionResponseType.UpdateMessage) {
            const content = contentOf(body.data);
            if (content !== undefined) clicked.content = content;
            const components = componentsOf(body.data);
            if (components !== undefined) clicked.components = components;
            clicked.editedAt = Date.now();
            dispatchMessage(ctx, 'MESSAGE_UPDATE', clicked);
          }
          interaction.acknowledged = 'updated';
          interaction.originalMessageId = clicked.id;
          return { status: 204 };
        }
        if (body.type === InteractionResponseType.DeferredChannelMessageWithSource) {
          message = respond(interaction, '', flags | MessageFlags.Loading, request);
          interaction.acknowledged = 'deferred';
        } else if (body.type === InteractionResponseType.ChannelMessageWithSource) {
          const content = contentOf(body.data) ?? '';
          if (content.trim() === '' && request.files.length === 0) throw new DiscordHttpError('emptyMessage');
          message = respond(interaction, content, flags, request);
          interaction.acknowledged = 'replied';
        } else {
          throw invalidField(
            'type',
            'BASE_TYPE_CHOICES',
            interaction.kind === 'component'
              ? 'Value must be one of {4, 5, 6, 7}.'
              : 'Value must be one of {4, 5}.',
          );
        }
        interaction.ephemeral = flags !== 0;
        interaction.originalMessageId = message.id;
        if (request.query.get('with_response') !== 'true') return { status: 204 };
        const loading = interaction.acknowledged === 'deferred';
        return {
          status: 200,
          body: {
            interaction: {
              id: interaction.id,
              type: 2,
              response_message_id: message.id,
              response_message_loading: loading,
              response_message_ephemeral: interaction.ephemeral,
              channel_id: interaction.channelId,
              ...(interaction.guildId !== undefined && { guild_id: interaction.guildId }),
            },
            ...(!loading && { resource: { type: body.type, message: showMessage(ctx, message) } }),
          },
        };
      },
    },
    {
      method: 'GET',
      route: '/webhooks/{webhook_id}/{webhook_token}/messages/@original',
      auth: false,
      global: false,
      major: 'webhook_token',
      handle: (request) => ({ status: 200, body: showMessage(ctx, original(byToken(request))) }),
    },
    {
      method: 'PATCH',
      route: '/webhooks/{webhook_id}/{webhook_token}/messages/@original',
      auth: false,
      global: false,
      major: 'webhook_token',
      handle: (request) => edit(original(byToken(request)), request),
    },
    {
      method: 'POST',
      route: '/webhooks/{webhook_id}/{webhook_token}',
      auth: false,
      global: false,
      major: 'webhook_token',
      handle(request) {
        const interaction = byToken(request);
        if (!interaction.acknowledged) throw new DiscordHttpError('unknownWebhook');
        const content = contentOf(request.json) ?? '';
        if (content.trim() === '' && request.files.length === 0) throw new DiscordHttpError('emptyMessage');
        const json = request.json as { flags?: unknown } | undefined;
        const flags = typeof json?.flags === 'number' ? json.flags & MessageFlags.Ephemeral : 0;
        const message = respond(interaction, content, flags, request);
        message.type = 0;
        if (request.query.get('wait') !== 'true') return { status: 204 };
        return { status: 200, body: showMessage(ctx, message) };
      },
    },
    {
      method: 'PATCH',
      route: '/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}',
      auth: false,
      global: false,
      major: 'webhook_token',
      handle(request) {
        const interaction = byToken(request);
        const message = world.messages.get(request.params.message_id ?? '');
        if (
          !message ||
          message.deleted ||
          message.channelId !== interaction.channelId ||
          !message.webhookId
        ) {
          throw new DiscordHttpError('unknownMessage');
        }
        return edit(message, request);
      },
    },
  ];
}
