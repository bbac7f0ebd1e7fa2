import type { ConversationKey } from '../../core/conversation.js';
import type { Logger } from '../../core/logger.js';
import type { AnswerJournal } from '../../core/renderer.js';
import type { Citation } from '../../core/reply-events.js';
import {
  type ApprovalRequested,
  approvalAction,
  prettyArguments,
  timeLeft,
  toolLabel,
} from '../../render/approval-view.js';
import { formatFootnotes } from '../../render/citations.js';
import {
  type AnswerPlace,
  type CallOptions,
  type CallPriority,
  type ChatSurface,
  type MessageSource,
  messageOf,
  type NoticeTone,
  type SurfaceFile,
  type SurfaceLimits,
  type SurfaceMessage,
} from '../kit/chat-surface.js';
import type { ShareKey } from '../kit/fair-share.js';
import type { RateBudget } from '../kit/rate-budget.js';
import { budgetState } from '../kit/render-plan.js';
import { DISCORD_ERROR_CODES, describeError, discordErrorCode, isChannelClosed } from './discord-errors.js';
import type { DiscordPort, MessageButton, UploadFile } from './rest-port.js';
import { DiscordRunIndicator } from './run-indicator.js';

/** Discord's limit for one message's content. */
export const DISCORD_MAX_LENGTH = 2000;

/** What the adapter puts in `InboundMessage.replyTo`: where the answer goes and whose it is. */
export interface DiscordReplyTo {
  /** The thread or DM channel to post in. */
  channel: string;
  key: ConversationKey;
  /** Who asked (fair share of the bot's budget). */
  user?: string;
  /** The message asked, and the channel it is in: a repeated refusal is a reaction on it. */
  asked?: string;
  askedIn?: string;
}

/** The reaction on a message the bot will not answer because its sender was already told why. */
export const REFUSED_EMOJI = '⏳';

/** What the Discord surface works with; `answers` is shared with the adapter's ⏹️ reaction handler. */
export interface DiscordSurfaceOptions {
  port: DiscordPort;
  /** Shared by every Discord call the bot makes. */
  budget: RateBudget;
  /** DISCORD_EDIT_INTERVAL_MS, and the largest file the bot may upload. */
  limits: Omit<SurfaceLimits, 'maxMessageLength'>;
  typingRefreshMs: number;
  logger: Logger;
  /** Answer messages of runs going on, message id -> conversation: how ⏹️ finds the run to stop. */
  answers: Map<string, ConversationKey>;
}

/** How each kind of notice is marked on Discord. */
export const NOTICE_EMOJI = { info: 'ℹ️', warning: '⚠️', stopped: '⏹️', file: '📎' } as const satisfies Record<
  NoticeTone,
  string
>;

/** Discord as the kit sees it: messages by channel and id over REST, every call in the bot's budget. */
export class DiscordSurface implements ChatSurface {
  readonly platform = 'discord';
  readonly limits: SurfaceLimits;
  readonly logger: Logger;

  constructor(private readonly options: DiscordSurfaceOptions) {
    this.limits = { ...options.limits, maxMessageLength: DISCORD_MAX_LENGTH };
    this.logger = options.logger;
  }

  place(replyTo: Readonly<Record<string, string>>, key: ConversationKey): AnswerPlace | undefined {
    const { channel } = replyTo;
    if (!channel || !key) return undefined;
    const { port, budget } = this.options;
    const share = shareOf(replyTo, key);
    const send = async <T>(priority: CallPriority, call: () => Promise<T>, options: CallOptions = {}) => {
      await budget.acquire(priority, { share, ...options });
      return call();
    };
    const { asked, askedIn } = replyTo;
    return {
      logFields: { channel },
      post: (source: MessageSource, priority, options) =>
        send(
          priority,
          () => {
            const message = messageOf(source);
            return port.post(channel, contentOf(message), filesOf(message), buttonsOf(message), options);
          },
          options,
        ),
      edit: (id, source: MessageSource, priority, options) =>
        send(
          priority,
          () => {
            const message = messageOf(source);
            return port.edit(channel, id, contentOf(message), buttonsOf(message));
          },
          options,
        ),
      remove: (id) => send('final', () => port.remove(channel, id)),
      upload: async (file, options) => [
        await send('update', () => port.post(channel, '', [uploadOf(file)], undefined, options)),
      ],
      // One budget for everything: a first post waits for the first lane, an edit for the update lane.
      textBudgets: budgetState(budget, share),
      ...(asked &&
        askedIn && {
          acknowledge: () => send('background', () => port.react(askedIn, asked, REFUSED_EMOJI)),
        }),
      indicator: (journal: AnswerJournal) =>
        new DiscordRunIndicator({
          ...this.options,
          channel,
          key,
          share,
          resumed: Object.values(journal.posted).flat(),
        }),
    };
  }

  isClosed(error: unknown): boolean {
    return isChannelClosed(error);
  }

  isUploadRefused(error: unknown): boolean {
    return discordErrorCode(error) === DISCORD_ERROR_CODES.missingPermissions;
  }

  /** URLs in <> so that Discord does not unfurl every source. */
  footnotes(citations: readonly Citation[]): string {
    return formatFootnotes(citations).replace(/https?:\/\/\S+/g, (url) => `<${url}>`);
  }

  describe(error: unknown): Record<string, unknown> {
    return describeError(error);
  }
}

/** Who a place's calls are for: the asker, and the channel the conversation is in (`discord:<channel>:<thread>`). */
function shareOf(replyTo: Readonly<Record<string, string>>, key: ConversationKey): ShareKey {
  const channel = key.split(':')[1];
  return { ...(replyTo.user && { user: replyTo.user }), ...(channel && { channel }) };
}

function contentOf(message: SurfaceMessage): string {
  switch (message.kind) {
    case 'answer':
    case 'tool':
      return message.text;
    case 'notice':
      return `${NOTICE_EMOJI[message.tone]} ${message.text}`;
    case 'approval': {
      const prompt = approvalText(message.request);
      return message.outcome === undefined ? prompt : `${prompt}\n${message.outcome}`;
    }
  }
}

function filesOf(message: SurfaceMessage): UploadFile[] {
  return message.kind === 'tool' ? message.files.map(uploadOf) : [];
}

function uploadOf(file: SurfaceFile): UploadFile {
  return { name: file.name, data: file.bytes, contentType: file.mimeType };
}

/** Approve and Deny under a waiting prompt; none once decided; answers' own buttons are left alone. */
function buttonsOf(message: SurfaceMessage): MessageButton[] | undefined {
  if (message.kind !== 'approval') return undefined;
  if (message.outcome !== undefined) return [];
  const id = message.request.approvalId;
  return [
    { customId: approvalAction(id, true), label: 'Approve', style: 'success' },
    { customId: approvalAction(id, false), label: 'Deny', style: 'danger' },
  ];
}

/** The prompt: who asked, which tool, its arguments, who may decide and until when. */
function approvalText(event: ApprovalRequested): string {
  const head = `🔐 <@${event.requesterId}>, the assistant wants to run \`${toolLabel(event)}\` with:\n`;
  const tail =
    `\nOnly <@${event.requesterId}> or an approver can decide; ` +
    `no decision within ${timeLeft(event.expiresAt, Date.now())} counts as a no.`;
  const room = DISCORD_MAX_LENGTH - head.length - tail.length - 120;
  return `${head}\`\`\`json\n${prettyArguments(event.arguments, room).replace(/```/g, "'''")}\n\`\`\`${tail}`;
}
