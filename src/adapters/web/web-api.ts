import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LimitsConfig } from '../../config/types.js';
import { type ConversationKey, conversationKey } from '../../core/conversation.js';
import { APPROVAL_REFUSALS } from '../../render/approval-view.js';
import type { WebChatRepository, WebConversationRecord } from '../../store/types.js';
import type { AdapterOrchestrator, AdapterStore } from '../adapter.js';
import type { Intake } from '../kit/intake.js';
import { resumePosition, type StreamTimings, streamEvents } from './event-stream.js';
import { HttpError, readJson, sendJson } from './http-kit.js';
import { sendFile } from './page-assets.js';
import type { WebUploads } from './uploads.js';
import type { WebLog } from './web-log.js';

/** The longest message a person may send, in characters. */
export const MAX_MESSAGE_CHARS = 32_000;
/** Files one message may send. */
const MAX_FILES = 10;
const TITLE_CHARS = 60;

export interface WebApiDeps {
  orchestrator: AdapterOrchestrator;
  store: AdapterStore & { web: WebChatRepository };
  intake: Intake;
  log: WebLog;
  uploads: WebUploads;
  limits: LimitsConfig;
  timings: StreamTimings;
  now: () => number;
}

/** One API request, once its user is known. */
export interface ApiRequest {
  req: IncomingMessage;
  res: ServerResponse;
  user: string;
  method: string;
  /** The path below `<base>/api/`, split: `['conversations', '<id>', 'events']`. */
  parts: readonly string[];
  query: URLSearchParams;
}

const ID = /^[A-Za-z0-9-]{1,64}$/;

/** The web chat's API: the user's conversations, their events, messages, controls and files. */
export class WebApi {
  constructor(private readonly deps: WebApiDeps) {}

  async handle(call: ApiRequest): Promise<void> {
    const { method, parts, res, user } = call;
    const [collection, id, action, sub] = parts;
    if (collection === 'me' && parts.length === 1 && method === 'GET') return sendJson(res, 200, { user });
    if (collection !== 'conversations') throw new HttpError(404, 'not found');
    if (id === undefined) {
      if (method === 'GET')
        return sendJson(res, 200, { conversations: await this.deps.store.web.list(user) });
      if (method === 'POST') return sendJson(res, 201, await this.create(user));
      throw new HttpError(405, 'method not allowed');
    }
    const record = await this.owned(user, id);
    const key = conversationKey('web', user, record.id);
    const route = `${method} ${action ?? ''}${sub === undefined ? '' : '/:id'}`;
    switch (route) {
      case 'GET ':
        return sendJson(res, 200, record);
      case 'DELETE ':
        await this.deps.orchestrator.reset(key);
        await this.deps.store.web.remove(user, record.id);
        return sendJson(res, 200, { deleted: record.id });
      case 'GET events':
        return streamEvents(
          call.req,
          res,
          this.deps.log,
          key,
          resumePosition(call.req, call.query),
          this.deps.timings,
        );
      case 'POST messages':
        return sendJson(res, 200, await this.send(call, record, key));
      case 'POST stop':
        return sendJson(res, 200, { stopped: await this.deps.orchestrator.cancel(key) });
      case 'POST reset':
        await this.deps.orchestrator.reset(key);
        await this.deps.intake.note(
          { key },
          'Started a new conversation: what was said before is forgotten.',
        );
        return sendJson(res, 200, { reset: true });
      case 'POST approvals/:id':
        return sendJson(res, 200, await this.decide(call, sub ?? ''));
      case 'POST uploads':
        return sendJson(res, 200, this.claimUpload(key, await readJson(call.req)));
      case 'PUT uploads/:id': {
        const refused = await this.deps.uploads.receive(key, sub ?? '', call.req);
        return sendJson(
          res,
          refused === undefined ? 200 : 413,
          refused === undefined ? { ok: true } : { refused },
        );
      }
      case 'GET files/:id': {
        const file = ID.test(sub ?? '') ? await this.deps.store.web.file(key, sub ?? '') : undefined;
        if (file === undefined) throw new HttpError(404, 'no such file');
        return sendFile(res, file);
      }
      case 'GET usage':
        return sendJson(res, 200, await this.usage(user, key));
      default:
        throw new HttpError(404, 'not found');
    }
  }

  private async create(user: string): Promise<WebConversationRecord> {
    const now = this.deps.now();
    const record = { id: randomUUID(), title: '', createdAt: now, updatedAt: now };
    await this.deps.store.web.save(user, record);
    return record;
  }

  /** The user's conversation `id`: 404 when there is none, 403 when it is someone else's. */
  private async owned(user: string, id: string): Promise<WebConversationRecord> {
    const owner = ID.test(id) ? await this.deps.store.web.owner(id) : undefined;
    if (owner !== undefined && owner !== user) throw new HttpError(403, 'this conversation is not yours');
    const record = owner === undefined ? undefined : await this.deps.store.web.get(user, id);
    if (record === undefined) throw new HttpError(404, 'no such conversation');
    return record;
  }

  private async send(call: ApiRequest, record: WebConversationRecord, key: ConversationKey) {
    const body = (await readJson(call.req)) as { id?: unknown; text?: unknown; uploads?: unknown };
    const id = typeof body.id === 'string' && ID.test(body.id) ? body.id : undefined;
    if (id === undefined) throw new HttpError(400, 'id must be the message’s own id (letters, digits, -)');
    const text = typeof body.text === 'string' ? body.text : '';
    if (text.length > MAX_MESSAGE_CHARS)
      throw new HttpError(
        413,
        `a message may have at most ${MAX_MESSAGE_CHARS.toLocaleString('en-US')} characters`,
      );
    const uploads = Array.isArray(body.uploads) ? body.uploads.filter((u) => typeof u === 'string') : [];
    if (uploads.length > MAX_FILES) throw new HttpError(400, `a message may send at most ${MAX_FILES} files`);
    // A page that sends again (a retry after a dropped connection) gets the first outcome's effect only.
    if (!(await this.deps.intake.claim(`message:${key}:${id}`))) return { outcome: 'duplicate' };
    const files = this.deps.uploads.take(key, uploads);
    const now = this.deps.now();
    const title = record.title || titleOf(text, files[0]?.name);
    await this.deps.store.web.save(call.user, { ...record, title, updatedAt: now });
    await this.deps.log.append(key, { type: 'user', id, text, files: files.map((f) => f.name), at: now });
    const outcome = await this.deps.intake.submit({
      id,
      key,
      userId: call.user,
      text,
      files,
      replyTo: { key },
      where: { platform: 'web', channel: record.id, isDirect: true },
    });
    return { outcome, title };
  }

  private async decide(call: ApiRequest, approvalId: string) {
    const body = (await readJson(call.req)) as { approve?: unknown };
    if (typeof body.approve !== 'boolean') throw new HttpError(400, 'approve must be true or false');
    const result = await this.deps.orchestrator.decide(approvalId, {
      userId: call.user,
      isApprover: false,
      approve: body.approve,
    });
    return result === 'accepted' ? { result } : { result, message: APPROVAL_REFUSALS[result] };
  }

  private claimUpload(key: ConversationKey, body: unknown) {
    const { name, type, size } = (body ?? {}) as { name?: unknown; type?: unknown; size?: unknown };
    if (typeof name !== 'string' || !/^[^/\\\0]{1,200}$/.test(name))
      throw new HttpError(400, 'name must be a file name');
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
      throw new HttpError(400, 'size must be the file’s size in bytes');
    return this.deps.uploads.claim(key, { name, type: typeof type === 'string' ? type : '', size });
  }

  private async usage(user: string, key: ConversationKey) {
    const day = new Date(this.deps.now());
    const [mine, conversation] = await Promise.all([
      this.deps.store.usage.forUser(user, day),
      this.deps.store.usage.forConversation(key, day),
    ]);
    return { user: mine, conversation, limits: this.deps.limits };
  }
}

/** A conversation's title: the first line of its first message, or the first file's name. */
function titleOf(text: string, file: string | undefined): string {
  const line = text.trim().split('\n')[0]?.trim() ?? '';
  const title = line === '' ? (file ?? '') : line;
  return title.length > TITLE_CHARS ? `${title.slice(0, TITLE_CHARS - 1)}…` : title;
}
