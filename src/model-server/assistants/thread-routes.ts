import type { Thread } from 'openai/resources/beta/threads/threads';
import type { FileStore } from '../files/file-store.js';
import { badRequest } from '../http/errors.js';
import { paginate } from '../http/paginate.js';
import type { Route } from '../http/router.js';
import { newId, nowSeconds } from '../ids.js';
import { expectType, messageFromRequest, rejectUnknown } from './request-checks.js';
import type { RunEngine } from './run-engine.js';
import type { AssistantsState, ThreadRecord } from './state.js';

const BETA = 'assistants=v2';

/** The one-request-at-a-time rule: no new message while a run is active on the thread. */
export function checkNoActiveRun(state: AssistantsState, thread: ThreadRecord): void {
  const active = state.activeRun(thread.thread.id);
  if (active) {
    throw badRequest(`Can't add messages to ${thread.thread.id} while a run ${active.run.id} is active.`);
  }
}

/** /threads and /threads/{id}/messages. */
export function threadRoutes(state: AssistantsState, files: FileStore, engine: RunEngine): Route[] {
  return [
    {
      method: 'POST',
      path: '/threads',
      operation: 'createThread',
      requestSchema: 'CreateThreadRequest',
      beta: BETA,
      handle: ({ json }) => {
        rejectUnknown(json, ['messages', 'tool_resources', 'metadata']);
        const thread: Thread = {
          id: newId('thread'),
          object: 'thread',
          created_at: nowSeconds(),
          metadata: (json.metadata as Thread['metadata'] | undefined) ?? {},
          tool_resources: (json.tool_resources as Thread['tool_resources'] | undefined) ?? {},
        };
        const record: ThreadRecord = { thread, messages: [], runs: [], answered: new Set() };
        if (json.messages !== undefined) {
          expectType(json.messages, 'array', 'messages');
          (json.messages as unknown[]).forEach((raw, i) => {
            expectType(raw, 'object', `messages[${i}]`);
            record.messages.push(
              messageFromRequest(raw as Record<string, unknown>, thread.id, files, `messages[${i}].`),
            );
          });
        }
        state.threads.set(thread.id, record);
        return { kind: 'json', schema: 'ThreadObject', body: structuredClone(thread) };
      },
    },
    {
      method: 'GET',
      path: '/threads/{thread_id}',
      operation: 'getThread',
      beta: BETA,
      handle: ({ params }) => ({
        kind: 'json',
        schema: 'ThreadObject',
        body: structuredClone(state.thread(params.thread_id ?? '').thread),
      }),
    },
    {
      method: 'POST',
      path: '/threads/{thread_id}',
      operation: 'modifyThread',
      requestSchema: 'ModifyThreadRequest',
      beta: BETA,
      handle: ({ params, json }) => {
        const { thread } = state.thread(params.thread_id ?? '');
        rejectUnknown(json, ['tool_resources', 'metadata']);
        if (json.metadata !== undefined) thread.metadata = json.metadata as Thread['metadata'];
        if (json.tool_resources !== undefined)
          thread.tool_resources = json.tool_resources as Thread['tool_resources'];
        return { kind: 'json', schema: 'ThreadObject', body: structuredClone(thread) };
      },
    },
    {
      method: 'DELETE',
      path: '/threads/{thread_id}',
      operation: 'deleteThread',
      beta: BETA,
      handle: ({ params }) => {
        const record = state.thread(params.thread_id ?? '');
        const { id } = record.thread;
        // Deleting a thread ends its runs; nobody can ask about them any more.
        for (const run of record.runs) engine.forget(run);
        state.threads.delete(id);
        return {
          kind: 'json',
          schema: 'DeleteThreadResponse',
          body: { id, object: 'thread.deleted', deleted: true },
        };
      },
    },
    {
      method: 'POST',
      path: '/threads/{thread_id}/messages',
      operation: 'createMessage',
      requestSchema: 'CreateMessageRequest',
      beta: BETA,
      handle: ({ params, json }) => {
        const record = state.thread(params.thread_id ?? '');
        checkNoActiveRun(state, record);
        const message = messageFromRequest(json, record.thread.id, files);
        record.messages.push(message);
        return { kind: 'json', schema: 'MessageObject', body: structuredClone(message) };
      },
    },
    {
      method: 'GET',
      path: '/threads/{thread_id}/messages',
      operation: 'listMessages',
      beta: BETA,
      handle: ({ params, query }) => {
        const { messages } = state.thread(params.thread_id ?? '');
        const runId = query.run_id;
        const data = typeof runId === 'string' ? messages.filter((m) => m.run_id === runId) : messages;
        return { kind: 'json', schema: 'ListMessagesResponse', body: paginate(structuredClone(data), query) };
      },
    },
    {
      method: 'GET',
      path: '/threads/{thread_id}/messages/{message_id}',
      operation: 'getMessage',
      beta: BETA,
      handle: ({ params }) => ({
        kind: 'json',
        schema: 'MessageObject',
        body: structuredClone(state.message(params.thread_id ?? '', params.message_id ?? '')),
      }),
    },
  ];
}
