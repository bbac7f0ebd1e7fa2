import type { Assistant, AssistantTool } from 'openai/resources/beta/assistants';
import { paginate } from '../http/paginate.js';
import type { Route } from '../http/router.js';
import { newId, nowSeconds } from '../ids.js';
import { expectType, rejectUnknown, requireField } from './request-checks.js';
import type { AssistantsState } from './state.js';

const BETA = 'assistants=v2';
const ASSISTANT_KEYS = [
  'model',
  'name',
  'description',
  'instructions',
  'reasoning_effort',
  'tools',
  'tool_resources',
  'metadata',
  'temperature',
  'top_p',
  'response_format',
] as const;

/** Copies the fields a create or modify request sets onto the assistant. */
function applyFields(assistant: Assistant, body: Record<string, unknown>): void {
  if (body.tools !== undefined) expectType(body.tools, 'array', 'tools');
  if (body.metadata !== undefined && body.metadata !== null) expectType(body.metadata, 'object', 'metadata');
  const target = assistant as unknown as Record<string, unknown>;
  for (const key of ASSISTANT_KEYS) if (body[key] !== undefined) target[key] = body[key];
}

/** /assistants: the bot creates one, then finds it again by its metadata. */
export function assistantRoutes(state: AssistantsState): Route[] {
  return [
    {
      method: 'POST',
      path: '/assistants',
      operation: 'createAssistant',
      requestSchema: 'CreateAssistantRequest',
      beta: BETA,
      handle: ({ json }) => {
        rejectUnknown(json, ASSISTANT_KEYS);
        expectType(requireField(json, 'model'), 'string', 'model');
        const assistant: Assistant = {
          id: newId('asst'),
          object: 'assistant',
          created_at: nowSeconds(),
          name: null,
          description: null,
          model: json.model as string,
          instructions: null,
          tools: [] as AssistantTool[],
          tool_resources: {},
          metadata: {},
          top_p: 1,
          temperature: 1,
          response_format: 'auto',
        };
        applyFields(assistant, json);
        state.assistants.set(assistant.id, assistant);
        return { kind: 'json', schema: 'AssistantObject', body: structuredClone(assistant) };
      },
    },
    {
      method: 'GET',
      path: '/assistants',
      operation: 'listAssistants',
      beta: BETA,
      handle: ({ query }) => ({
        kind: 'json',
        schema: 'ListAssistantsResponse',
        body: paginate(structuredClone([...state.assistants.values()]), query),
      }),
    },
    {
      method: 'GET',
      path: '/assistants/{assistant_id}',
      operation: 'getAssistant',
      beta: BETA,
      handle: ({ params }) => ({
        kind: 'json',
        schema: 'AssistantObject',
        body: structuredClone(state.assistant(params.assistant_id ?? '')),
      }),
    },
    {
      method: 'POST',
      path: '/assistants/{assistant_id}',
      operation: 'modifyAssistant',
      requestSchema: 'ModifyAssistantRequest',
      beta: BETA,
      handle: ({ params, json }) => {
        const assistant = state.assistant(params.assistant_id ?? '');
        rejectUnknown(json, ASSISTANT_KEYS);
        applyFields(assistant, json);
        return { kind: 'json', schema: 'AssistantObject', body: structuredClone(assistant) };
      },
    },
    {
      method: 'DELETE',
      path: '/assistants/{assistant_id}',
      operation: 'deleteAssistant',
      beta: BETA,
      handle: ({ params }) => {
        const { id } = state.assistant(params.assistant_id ?? '');
        state.assistants.delete(id);
        return {
          kind: 'json',
          schema: 'DeleteAssistantResponse',
          body: { id, object: 'assistant.deleted', deleted: true },
        };
      },
    },
  ];
}
