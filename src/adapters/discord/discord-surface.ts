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
import type {
  AnswerPlace,
  CallPriority,
  ChatSurface,
  NoticeTone,
  SurfaceFile,
  SurfaceLimits,
  SurfaceMessage,
} from '../kit/chat-surface.js';
import type { RateBudget } from '../kit/rate-budget.js';
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
}

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
    const send = async <T>(priority: CallPriority, call: () => Promise<T>) => {
      await budget.acquire(priority);
      return call();
    };
    return {
      logFields: { channel },
      post: (message, priority) =>
        send(priority, () => port.post(channel, contentOf(message), filesOf(message), buttonsOf(message))),
      edit: (id, message, priority) =>
        send(priority, () => port.edit(channel, id, contentOf(message), buttonsOf(message))),
      remove: (id) => send('update', () => port.remove(channel, id)),
      upload: async (file) => [await send('update', () => port.post(channel, '', [uploadOf(file)]))],
      indicator: (journal: AnswerJournal) =>
        new DiscordRunIndicator({
          ...this.options,
          channel,
          key,
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
