import type { Message, MessageContent } from 'openai/resources/beta/threads/messages';
import type { FileStore } from '../files/file-store.js';
import { badRequest } from '../http/errors.js';
import { newMessage } from './objects.js';

/** The service refuses parameters it does not know, with this wording. */
export function rejectUnknown(body: Record<string, unknown>, known: readonly string[], prefix = ''): void {
  for (const key of Object.keys(body)) {
    if (!known.includes(key)) {
      throw badRequest(`Unrecognized request argument supplied: ${prefix}${key}`, null, 'unknown_parameter');
    }
  }
}

export function requireField(body: Record<string, unknown>, key: string, prefix = ''): unknown {
  const value = body[key];
  if (value === undefined || value === null) {
    throw badRequest(
      `Missing required parameter: '${prefix}${key}'.`,
      `${prefix}${key}`,
      'missing_required_parameter',
    );
  }
  return value;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export function expectType(
  value: unknown,
  type: 'string' | 'object' | 'array' | 'boolean',
  param: string,
): void {
  const ok =
    type === 'array'
      ? Array.isArray(value)
      : type === 'object'
        ? typeof value === 'object' && value !== null && !Array.isArray(value)
        : typeof value === type;
  if (!ok) {
    const article = type === 'array' || type === 'object' ? 'an' : 'a';
    throw badRequest(
      `Invalid type for '${param}': expected ${article} ${type}, but got ${typeName(value)} instead.`,
      param,
      'invalid_type',
    );
  }
}

export const MESSAGE_KEYS = ['role', 'content', 'attachments', 'metadata'] as const;

/** A user (or assistant-authored) message from a CreateMessageRequest, checked as the service does. */
export function messageFromRequest(
  body: Record<string, unknown>,
  threadId: string,
  files: FileStore,
  prefix = '',
): Message {
  rejectUnknown(body, MESSAGE_KEYS, prefix);
  const role = requireField(body, 'role', prefix);
  if (role !== 'user' && role !== 'assistant') {
    throw badRequest(
      `Invalid value: '${String(role)}'. Supported values are: 'user' and 'assistant'.`,
      `${prefix}role`,
      'invalid_value',
    );
  }
  const content = requireField(body, 'content', prefix);
  const parts: MessageContent[] = [];
  if (typeof content === 'string') {
    parts.push({ type: 'text', text: { value: content, annotations: [] } });
  } else {
    expectType(content, 'array', `${prefix}content`);
    (content as unknown[]).forEach((raw, i) => {
      const param = `${prefix}content[${i}]`;
      expectType(raw, 'object', param);
      const part = raw as Record<string, unknown>;
      if (part.type === 'text') {
        expectType(part.text, 'string', `${param}.text`);
        parts.push({ type: 'text', text: { value: part.text as string, annotations: [] } });
      } else if (part.type === 'image_file' || part.type === 'image_url') {
        parts.push(part as unknown as MessageContent);
      } else {
        throw badRequest(
          `Invalid value: '${String(part.type)}'. Supported values are: 'text', 'image_file' and 'image_url'.`,
          `${param}.type`,
          'invalid_value',
        );
      }
    });
  }
  const attachments: NonNullable<Message['attachments']> = [];
  if (body.attachments !== undefined && body.attachments !== null) {
    expectType(body.attachments, 'array', `${prefix}attachments`);
    (body.attachments as unknown[]).forEach((raw, i) => {
      const param = `${prefix}attachments[${i}]`;
      expectType(raw, 'object', param);
      const attachment = raw as Record<string, unknown>;
      const fileId = requireField(attachment, 'file_id', `${param}.`);
      expectType(fileId, 'string', `${param}.file_id`);
      files.require(fileId as string);
      const tools = requireField(attachment, 'tools', `${param}.`);
      expectType(tools, 'array', `${param}.tools`);
      attachments.push({
        file_id: fileId as string,
        tools: tools as NonNullable<Message.Attachment['tools']>,
      });
    });
  }
  return newMessage({
    threadId,
    role,
    content: parts,
    attachments,
    metadata: (body.metadata as Message['metadata'] | undefined) ?? {},
  });
}
