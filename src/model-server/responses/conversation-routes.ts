import { expectType, rejectUnknown, requireField } from '../assistants/request-checks.js';
import type { FileStore } from '../files/file-store.js';
import { badRequest } from '../http/errors.js';
import { paginate } from '../http/paginate.js';
import type { Route } from '../http/router.js';
import { newHexId, nowSeconds } from '../ids.js';
import type { ResponseEngine } from './engine.js';
import { parseInput } from './request.js';
import type { ConversationRecord, ResponsesState } from './state.js';
import { presentItem, type StoredItem } from './wire.js';

type Query = Readonly<Record<string, string | string[]>>;

const includeOf = (query: Query): string[] => [query.include ?? []].flat();

/** At most 20 items per request, as the service allows. */
const MAX_ITEMS = 20;

/** `items` of a create request, checked and turned into stored items. */
function itemsFrom(raw: unknown, files: FileStore): StoredItem[] {
  if (raw === undefined || raw === null) return [];
  expectType(raw, 'array', 'items');
  const list = raw as unknown[];
  if (list.length > MAX_ITEMS) {
    throw badRequest(
      `Invalid 'items': array too long. Expected an array with maximum length ${MAX_ITEMS}, but got an array with length ${list.length} instead.`,
      'items',
      'array_above_max_length',
    );
  }
  return parseInput(list, files, 'items').items;
}

function metadataOf(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  expectType(raw, 'object', 'metadata');
  return raw as Record<string, string>;
}

/** The Conversations API: conversations and their items. */
export function conversationRoutes(state: ResponsesState, files: FileStore, engine: ResponseEngine): Route[] {
  const lookup = (params: Readonly<Record<string, string>>): ConversationRecord =>
    state.conversation(params.conversation_id ?? '');
  return [
    {
      method: 'POST',
      path: '/conversations',
      operation: 'createConversation',
      requestSchema: 'CreateConversationBody',
      handle: ({ json }) => {
        rejectUnknown(json, ['metadata', 'items']);
        const record: ConversationRecord = {
          conversation: {
            id: newHexId('conv'),
            object: 'conversation',
            created_at: nowSeconds(),
            metadata: metadataOf(json.metadata),
          },
          items: itemsFrom(json.items, files),
        };
        state.conversations.set(record.conversation.id, record);
        return { kind: 'json', schema: 'ConversationResource', body: structuredClone(record.conversation) };
      },
    },
    {
      method: 'GET',
      path: '/conversations/{conversation_id}',
      operation: 'getConversation',
      handle: ({ params }) => ({
        kind: 'json',
        schema: 'ConversationResource',
        body: structuredClone(lookup(params).conversation),
      }),
    },
    {
      method: 'POST',
      path: '/conversations/{conversation_id}',
      operation: 'updateConversation',
      requestSchema: 'UpdateConversationBody',
      handle: ({ params, json }) => {
        const record = lookup(params);
        rejectUnknown(json, ['metadata']);
        record.conversation.metadata = metadataOf(requireField(json, 'metadata'));
        return { kind: 'json', schema: 'ConversationResource', body: structuredClone(record.conversation) };
      },
    },
    {
      method: 'DELETE',
      path: '/conversations/{conversation_id}',
      operation: 'deleteConversation',
      handle: ({ params }) => {
        const record = lookup(params);
        const { id } = record.conversation;
        // Its response in progress has nowhere to go: it ends, and open streams with it.
        const active = record.activeResponseId && state.responses.get(record.activeResponseId);
        if (active) engine.forget(active);
        state.conversations.delete(id);
        return {
          kind: 'json',
          schema: 'DeletedConversationResource',
          body: { id, object: 'conversation.deleted', deleted: true },
        };
      },
    },
    {
      method: 'GET',
      path: '/conversations/{conversation_id}/items',
      operation: 'listConversationItems',
      handle: ({ params, query }) => {
        const items = lookup(params).items.map((item) => presentItem(item, includeOf(query)));
        return { kind: 'json', schema: 'ConversationItemList', body: paginate(items, query) };
      },
    },
    {
      method: 'POST',
      path: '/conversations/{conversation_id}/items',
      operation: 'createConversationItems',
      handle: ({ params, json, query }) => {
        const record = lookup(params);
        rejectUnknown(json, ['items']);
        state.checkUnlocked(record);
        const added = itemsFrom(requireField(json, 'items'), files);
        record.items.push(...added);
        const data = added.map((item) => presentItem(item, includeOf(query)));
        return {
          kind: 'json',
          schema: 'ConversationItemList',
          body: {
            object: 'list',
            data,
            first_id: data[0]?.id ?? null,
            last_id: data.at(-1)?.id ?? null,
            has_more: false,
          },
        };
      },
    },
    {
      method: 'GET',
      path: '/conversations/{conversation_id}/items/{item_id}',
      operation: 'getConversationItem',
      handle: ({ params, query }) => ({
        kind: 'json',
        schema: 'ConversationItem',
        body: presentItem(state.item(params.conversation_id ?? '', params.item_id ?? ''), includeOf(query)),
      }),
    },
    {
      method: 'DELETE',
      path: '/conversations/{conversation_id}/items/{item_id}',
      operation: 'deleteConversationItem',
      handle: ({ params }) => {
        const record = lookup(params);
        const item = state.item(record.conversation.id, params.item_id ?? '');
        record.items = record.items.filter((i) => i !== item);
        return { kind: 'json', schema: 'ConversationResource', body: structuredClone(record.conversation) };
      },
    },
  ];
}
