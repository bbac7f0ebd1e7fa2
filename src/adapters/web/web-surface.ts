import { randomUUID } from 'node:crypto';
import type { ConversationKey } from '../../core/conversation.js';
import type { Logger } from '../../core/logger.js';
import type { Citation } from '../../core/reply-events.js';
import { prettyArguments, toolLabel } from '../../render/approval-view.js';
import {
  type AnswerPlace,
  type ChatSurface,
  messageOf,
  type RunIndicator,
  type SurfaceFile,
  type SurfaceLimits,
  type SurfaceMessage,
} from '../kit/chat-surface.js';
import { StreamedAnswer } from './streamed-answer.js';
import type { WebEvent, WebFileRef, WebLog, WebMessage } from './web-log.js';

/** The web chat's limits: a page shows an answer of any length in one message. */
export const WEB_LIMITS = {
  maxMessageLength: 1_000_000,
  /** Generated files are kept in the store: larger ones get a note instead. */
  maxUploadBytes: 25 * 1024 * 1024,
  editIntervalMs: 100,
} as const satisfies SurfaceLimits;

/** How long a conversation found to exist is not looked up again. */
const LIVE_CHECK_MS = 1000;

/** The conversation was deleted while its answer was being written: the rest is dropped. */
export class ConversationGoneError extends Error {
  constructor(key: ConversationKey) {
    super(`the web conversation ${key} was deleted`);
    this.name = 'ConversationGoneError';
  }
}

/** What the surface writes to besides the log. */
export interface WebSurfaceDeps {
  log: WebLog;
  logger: Logger;
  /** Keeps a file's bytes; the page fetches them by id. */
  saveFile(key: ConversationKey, id: string, file: SurfaceFile): Promise<void>;
  /** Whether the conversation still exists (deleted ones take no more posts). */
  exists(key: ConversationKey): Promise<boolean>;
  /** Streamed text is appended to the log at most this often (coalesced). */
  appendIntervalMs: number;
  now?: () => number;
}

/**
 * The web chat as the kit sees it: every post, edit, removal and upload is an event in the
 * conversation's log, which the page replays and follows. Text streams natively (appends); a run
 * shows a Stop button while it works.
 */
export class WebSurface implements ChatSurface {
  readonly platform = 'web';
  readonly limits: SurfaceLimits = WEB_LIMITS;
  readonly logger: Logger;

  constructor(private readonly deps: WebSurfaceDeps) {
    this.logger = deps.logger;
  }

  place(replyTo: Readonly<Record<string, string>>, key: ConversationKey): AnswerPlace | undefined {
    if (!key?.startsWith('web:') || replyTo.key !== key) return undefined;
    const { log, appendIntervalMs } = this.deps;
    const now = this.deps.now ?? Date.now;
    // Every write first makes sure the conversation was not deleted meanwhile (a deleted one must not
    // grow a new log); a yes is trusted for a second, so streaming does not read the store per append.
    let checkedAt = Number.NEGATIVE_INFINITY;
    const live = async () => {
      if (now() - checkedAt < LIVE_CHECK_MS) return;
      if (!(await this.deps.exists(key))) throw new ConversationGoneError(key);
      checkedAt = now();
    };
    const append = async (event: WebEvent) => {
      await live();
      return log.append(key, event);
    };
    const post = async (message: WebMessage) => {
      const id = randomUUID();
      await append({ type: 'post', id, message, at: now() });
      return id;
    };
    return {
      logFields: { conversation: key },
      post: async (message) => post(await this.webMessage(key, messageOf(message))),
      edit: async (id, message) => {
        await append({ type: 'edit', id, message: await this.webMessage(key, messageOf(message)) });
      },
      remove: async (id) => {
        await append({ type: 'remove', id });
      },
      upload: async (file) => [await post({ kind: 'file', file: await this.keep(key, file) })],
      streamText: (onPosted) =>
        new StreamedAnswer({
          post: (text) => post({ kind: 'answer', text }),
          append: (id, delta) => append({ type: 'append', id, delta }),
          edit: (id, text) => append({ type: 'edit', id, message: { kind: 'answer', text } }),
          onPosted,
          intervalMs: appendIntervalMs,
        }),
      indicator: () => runIndicator(append),
    };
  }

  isClosed(error: unknown): boolean {
    return error instanceof ConversationGoneError;
  }

  /** Numbered sources, each a Markdown link when it has a URL. */
  footnotes(citations: readonly Citation[]): string {
    return citations
      .map(({ index, label, url }) =>
        url === undefined ? `[${index}] ${label}` : `[${index}] [${label.replace(/[[\]]/g, '')}](${url})`,
      )
      .join('\n');
  }

  describe(error: unknown): Record<string, unknown> {
    return { err: error instanceof Error ? error.message : String(error) };
  }

  private async keep(key: ConversationKey, file: SurfaceFile): Promise<WebFileRef> {
    const id = randomUUID();
    await this.deps.saveFile(key, id, file);
    return { id, name: file.name, mimeType: file.mimeType, size: file.bytes.byteLength };
  }

  private async webMessage(key: ConversationKey, message: SurfaceMessage): Promise<WebMessage> {
    switch (message.kind) {
      case 'answer':
        return message;
      case 'notice':
        return message;
      case 'tool': {
        const files: WebFileRef[] = [];
        for (const file of message.files) files.push(await this.keep(key, file));
        return { kind: 'tool', text: message.text, files };
      }
      case 'approval': {
        const { request, outcome } = message;
        return {
          kind: 'approval',
          approvalId: request.approvalId,
          tool: toolLabel(request),
          arguments: prettyArguments(request.arguments, 8000),
          expiresAt: request.expiresAt,
          ...(outcome === undefined ? {} : { outcome }),
        };
      }
    }
  }
}

/** The Stop button and the progress line: `running` events around the run, `status` lines in it. */
function runIndicator(append: (event: WebEvent) => Promise<number>): RunIndicator {
  return {
    start: async () => {
      await append({ type: 'running', running: true });
      return undefined;
    },
    status: async (text) => {
      await append({ type: 'status', text });
    },
    posted: () => undefined,
    stop: async () => {
      await append({ type: 'running', running: false });
    },
  };
}
