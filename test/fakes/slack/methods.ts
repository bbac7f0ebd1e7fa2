import { blocksProblem, SLACK_LIMITS } from './limits.js';
import { FAKE_TEAM, type FakeMessage, type SlackState } from './state.js';

type Json = Readonly<Record<string, unknown>>;

/** One Web API call as the fake received it: arguments decoded (JSON-valued ones parsed). */
export interface MethodCall {
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
}

export type MethodResult = ({ ok: true } & Json) | { ok: false; error: string };

export interface MethodContext {
  state: SlackState;
  /** `http://127.0.0.1:<port>`: upload URLs and the Socket Mode URL are made from it. */
  baseUrl: string;
}

type Handler = (call: MethodCall, ctx: MethodContext) => MethodResult;

const ok = (body: Json = {}): MethodResult => ({ ok: true, ...body });
const fail = (error: string): MethodResult => ({ ok: false, error });
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Arguments that carry JSON (the client sends them form-encoded as JSON text). */
export const JSON_ARGS = new Set(['blocks', 'chunks', 'prompts', 'files', 'metadata', 'attachments']);

function botMessage(
  call: MethodCall,
  ctx: MethodContext,
  content: Partial<FakeMessage>,
  shown: string,
): FakeMessage {
  const thread = str(call.args.thread_ts);
  return ctx.state.add(
    {
      channel: String(call.args.channel ?? call.args.channel_id),
      ts: ctx.state.nextTs(),
      ...(thread === undefined ? {} : { thread_ts: thread }),
      user: FAKE_TEAM.botUserId,
      bot_id: FAKE_TEAM.botId,
      ...content,
    },
    shown,
  );
}

/** `text` / `blocks` / `markdown_text` of a post or update, checked against Slack's limits. */
function content(
  call: MethodCall,
  maxText: number,
): { error: string } | { fields: Partial<FakeMessage>; shown: string } {
  const { text, blocks, markdown_text: markdown } = call.args;
  if (markdown !== undefined && (text !== undefined || blocks !== undefined))
    return { error: 'markdown_text_conflict' };
  if (typeof markdown === 'string') {
    if (markdown.length > SLACK_LIMITS.markdown) return { error: 'msg_too_long' };
    return { fields: { markdown, text: markdown }, shown: markdown };
  }
  if (text === undefined && blocks === undefined) return { error: 'no_text' };
  if (typeof text === 'string' && text.length > maxText) return { error: 'msg_too_long' };
  if (blocks !== undefined && blocksProblem(blocks) !== undefined) return { error: 'invalid_blocks' };
  const fields: Partial<FakeMessage> = {
    ...(typeof text === 'string' ? { text } : {}),
    ...(blocks === undefined ? {} : { blocks: blocks as Json[] }),
  };
  const markdownBlocks = ((blocks as Json[] | undefined) ?? []).filter((b) => b.type === 'markdown');
  return {
    fields,
    shown:
      markdownBlocks.length > 0 ? markdownBlocks.map((b) => String(b.text)).join('\n') : String(text ?? ''),
  };
}

/** The bot's own message named by `channel` + `ts`, or the error the method answers (`notOwned` for another's). */
function ownMessage(call: MethodCall, ctx: MethodContext, notOwned: string): FakeMessage | MethodResult {
  const message = ctx.state.find(String(call.args.channel), String(call.args.ts));
  if (!message) return fail('message_not_found');
  if (message.bot_id !== FAKE_TEAM.botId) return fail(notOwned);
  return message;
}

const isResult = (value: FakeMessage | MethodResult): value is MethodResult => 'ok' in value;

/** Streams in channels are addressed to someone: Slack needs the recipient there. */
function recipientProblem(call: MethodCall): string | undefined {
  const channel = String(call.args.channel);
  if (channel.startsWith('D')) return undefined;
  if (call.args.recipient_user_id === undefined) return 'missing_recipient_user_id';
  if (call.args.recipient_team_id === undefined) return 'missing_recipient_team_id';
  return undefined;
}

function appendStreamed(message: FakeMessage, markdown: string): MethodResult | undefined {
  if (markdown.length > SLACK_LIMITS.markdown) return fail('msg_too_long');
  const total = (message.markdown ?? '') + markdown;
  if (total.length > SLACK_LIMITS.streamTotal) return fail('msg_too_long');
  message.markdown = total;
  message.history.push(total);
  return undefined;
}

/**
 * A post's `metadata`: an object with a string `event_type` and an object `event_payload` (Slack's
 * message metadata); anything else is `invalid_metadata_format`. Undefined: none given.
 */
function metadataOf(value: unknown): FakeMessage['metadata'] | 'invalid' | undefined {
  if (value === undefined) return undefined;
  const metadata = value as { event_type?: unknown; event_payload?: unknown } | null;
  if (typeof metadata?.event_type !== 'string' || metadata.event_type === '') return 'invalid';
  const payload = metadata.event_payload;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return 'invalid';
  return { event_type: metadata.event_type, event_payload: payload as Json };
}

/** The Web API methods the fake speaks, by name. */
export const METHODS: Readonly<Record<string, Handler>> = {
  'auth.test': () =>
    ok({
      url: 'https://example.slack.com/',
      team: FAKE_TEAM.teamName,
      user: 'threadloom',
      team_id: FAKE_TEAM.teamId,
      user_id: FAKE_TEAM.botUserId,
      bot_id: FAKE_TEAM.botId,
      is_enterprise_install: false,
    }),
  'apps.connections.open': (_call, ctx) => ok({ url: `${ctx.baseUrl.replace(/^http/, 'ws')}/socket` }),

  'chat.postMessage': (call, ctx) => {
    const body = content(call, SLACK_LIMITS.postText);
    if ('error' in body) return fail(body.error);
    const metadata = metadataOf(call.args.metadata);
    if (metadata === 'invalid') return fail('invalid_metadata_format');
    const username = str(call.args.username);
    const icon = str(call.args.icon_url);
    const message = botMessage(
      call,
      ctx,
      {
        ...body.fields,
        ...(username ? { username } : {}),
        ...(icon ? { icon_url: icon } : {}),
        ...(metadata ? { metadata } : {}),
      },
      body.shown,
    );
    return ok({ channel: message.channel, ts: message.ts, message: { text: message.text, ts: message.ts } });
  },
  'chat.postEphemeral': (call, ctx) => {
    const user = str(call.args.user);
    if (user === undefined) return fail('user_not_in_channel');
    const body = content(call, SLACK_LIMITS.postText);
    if ('error' in body) return fail(body.error);
    const thread = str(call.args.thread_ts);
    const ts = ctx.state.nextTs();
    ctx.state.ephemeral.push({
      channel: String(call.args.channel),
      user,
      ts,
      ...(thread === undefined ? {} : { thread_ts: thread }),
      ...(body.fields.text === undefined ? {} : { text: body.fields.text }),
      ...(body.fields.blocks === undefined ? {} : { blocks: body.fields.blocks }),
    });
    return ok({ message_ts: ts });
  },
  'chat.update': (call, ctx) => {
    const message = ownMessage(call, ctx, 'cant_update_message');
    if (isResult(message)) return message;
    if (message.stream === 'streaming') return fail('streaming_state_conflict');
    const body = content(call, SLACK_LIMITS.updateText);
    if ('error' in body) return fail(body.error);
    delete message.markdown;
    delete message.text;
    delete message.blocks;
    Object.assign(message, body.fields);
    message.history.push(body.shown);
    return ok({ channel: message.channel, ts: message.ts, text: message.text ?? '' });
  },
  'chat.delete': (call, ctx) => {
    const message = ownMessage(call, ctx, 'cant_delete_message');
    if (isResult(message)) return message;
    message.deleted = true;
    return ok({ channel: message.channel, ts: message.ts });
  },

  'chat.startStream': (call, ctx) => {
    const problem = recipientProblem(call);
    if (problem) return fail(problem);
    const markdown = str(call.args.markdown_text) ?? '';
    if (markdown.length > SLACK_LIMITS.markdown) return fail('msg_too_long');
    const message = botMessage(call, ctx, { markdown, stream: 'streaming' }, markdown);
    return ok({ channel: message.channel, ts: message.ts });
  },
  'chat.appendStream': (call, ctx) => {
    const message = ownMessage(call, ctx, 'message_not_owned_by_app');
    if (isResult(message)) return message;
    if (message.stream !== 'streaming') return fail('message_not_in_streaming_state');
    return (
      appendStreamed(message, String(call.args.markdown_text ?? '')) ??
      ok({ channel: message.channel, ts: message.ts })
    );
  },
  'chat.stopStream': (call, ctx) => {
    const message = ownMessage(call, ctx, 'message_not_owned_by_app');
    if (isResult(message)) return message;
    if (message.stream !== 'streaming') return fail('message_not_in_streaming_state');
    const problem = appendStreamed(message, str(call.args.markdown_text) ?? '');
    if (problem) return problem;
    if (call.args.blocks !== undefined) {
      if (blocksProblem(call.args.blocks)) return fail('invalid_blocks');
      message.blocks = call.args.blocks as Json[];
    }
    message.stream = 'stopped';
    return ok({
      channel: message.channel,
      ts: message.ts,
      message: { ts: message.ts, text: message.markdown },
    });
  },

  'files.getUploadURLExternal': (call, ctx) => {
    const length = Number(call.args.length);
    const name = str(call.args.filename) ?? '';
    if (!Number.isInteger(length) || length <= 0 || name === '') return fail('invalid_arguments');
    const id = ctx.state.nextId('F');
    ctx.state.files.set(id, { id, name, title: name, length, completed: false });
    return ok({ upload_url: `${ctx.baseUrl}/upload/v1/${id}`, file_id: id });
  },
  'files.completeUploadExternal': (call, ctx) => {
    const entries = call.args.files as { id?: string; title?: string }[] | undefined;
    if (!Array.isArray(entries) || entries.length === 0) return fail('invalid_arguments');
    const files = [];
    for (const entry of entries) {
      const file = entry.id === undefined ? undefined : ctx.state.files.get(entry.id);
      if (!file?.bytes) return fail('file_not_found');
      file.completed = true;
      if (entry.title) file.title = entry.title;
      files.push(file);
    }
    const channel = str(call.args.channel_id);
    if (channel !== undefined) {
      const thread = str(call.args.thread_ts);
      ctx.state.add(
        {
          channel,
          ts: ctx.state.nextTs(),
          ...(thread === undefined ? {} : { thread_ts: thread }),
          user: FAKE_TEAM.botUserId,
          bot_id: FAKE_TEAM.botId,
          files,
        },
        files.map((f) => `[file] ${f.name}`).join('\n'),
      );
    }
    return ok({ files: files.map((f) => ({ id: f.id, title: f.title })) });
  },

  'files.info': (call, ctx) => {
    const shared = ctx.state.shared.get(String(call.args.file));
    if (!shared) return fail('file_not_found');
    if (shared.denied) return fail('access_denied');
    return ok({ file: shared.file, comments: [] });
  },

  'assistant.threads.setStatus': () => ok(),
  'assistant.threads.setTitle': (call) =>
    String(call.args.title).length > 0 ? ok() : fail('invalid_arguments'),
  'assistant.threads.setSuggestedPrompts': (call) => {
    const prompts = call.args.prompts as { title?: string; message?: string }[] | undefined;
    if (!Array.isArray(prompts) || prompts.length === 0 || prompts.length > SLACK_LIMITS.prompts)
      return fail('invalid_arguments');
    return prompts.every((p) => p.title && p.message) ? ok() : fail('invalid_arguments');
  },

  'conversations.replies': (call, ctx) => {
    const thread = ctx.state.thread(String(call.args.channel), String(call.args.ts));
    if (thread.length === 0) return fail('thread_not_found');
    const withMetadata = [true, 'true', '1', 1].includes(call.args.include_all_metadata as never);
    const messages = thread.map((m) => ({
      type: 'message',
      user: m.user,
      ...(m.bot_id ? { bot_id: m.bot_id } : {}),
      text: m.markdown ?? m.text ?? '',
      ts: m.ts,
      ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
      // Slack lists a message's metadata only when asked to.
      ...(m.metadata && withMetadata ? { metadata: m.metadata } : {}),
    }));
    return ok({ messages, has_more: false });
  },
  'users.info': (call, ctx) => {
    const user = ctx.state.users.get(String(call.args.user));
    if (!user) return fail('user_not_found');
    return ok({
      user: {
        id: user.id,
        team_id: FAKE_TEAM.teamId,
        name: user.name,
        real_name: user.realName,
        is_bot: false,
        profile: { real_name: user.realName, display_name: user.displayName, image_72: user.image72 },
      },
    });
  },
};
