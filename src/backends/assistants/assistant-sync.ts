import { createHash } from 'node:crypto';
import type OpenAI from 'openai';
import type { AssistantTool } from 'openai/resources/beta/assistants';
import type { AssistantConfig } from '../../config/types.js';
import type { Logger } from '../../core/logger.js';
import type { FunctionDefinition } from '../../core/tool-definition.js';
import type { AssistantRepository } from '../../store/types.js';
import { callApi, isNotFound } from '../shared/openai-client.js';

/** Metadata key that marks an assistant as made by threadloom, so a restart finds it again. */
export const ASSISTANT_MARKER = 'threadloom';

/** The assistant as threadloom wants it from the configuration. */
export interface DesiredAssistant {
  name: string;
  model: string;
  instructions: string;
  tools: AssistantTool[];
  vectorStoreIds: readonly string[];
}

/** An assistant's tools: the hosted ones it enables, then its function tools. */
export function assistantTools(
  enabled: { codeInterpreter: boolean; fileSearch: boolean },
  functions: readonly FunctionDefinition[],
): AssistantTool[] {
  const tools: AssistantTool[] = [];
  if (enabled.codeInterpreter) tools.push({ type: 'code_interpreter' });
  if (enabled.fileSearch) tools.push({ type: 'file_search' });
  for (const fn of functions) {
    tools.push({
      type: 'function',
      function: { name: fn.name, description: fn.description, parameters: fn.parameters },
    });
  }
  return tools;
}

/** Builds the wanted assistant from the configuration and the enabled function tools. */
export function desiredAssistant(
  config: AssistantConfig,
  functions: readonly FunctionDefinition[],
): DesiredAssistant {
  return {
    name: config.name,
    model: config.model,
    instructions: config.instructions,
    tools: assistantTools(config, functions),
    vectorStoreIds: config.vectorStoreIds,
  };
}

/** A stable hash of what the assistant is made from: when it changes, the assistant is updated. */
export function assistantHash(desired: DesiredAssistant): string {
  return createHash('sha256').update(JSON.stringify(desired)).digest('hex').slice(0, 32);
}

function assistantBody(desired: DesiredAssistant, hash: string) {
  return {
    name: desired.name,
    model: desired.model,
    instructions: desired.instructions,
    tools: desired.tools,
    metadata: { [ASSISTANT_MARKER]: 'true', config_hash: hash },
    ...(desired.vectorStoreIds.length > 0 && desired.tools.some((t) => t.type === 'file_search')
      ? { tool_resources: { file_search: { vector_store_ids: [...desired.vectorStoreIds] } } }
      : {}),
  };
}

/**
 * Finds the assistant this bot made (by the id in the store, else by name and marker) or creates it,
 * and updates it when the configuration changed. A restart never creates a second one.
 */
export async function syncAssistant(
  client: OpenAI,
  repository: AssistantRepository,
  desired: DesiredAssistant,
  logger: Logger,
): Promise<string> {
  const hash = assistantHash(desired);
  const body = assistantBody(desired, hash);
  const known = await repository.get(desired.name);
  let id = known ? await existing(client, known.assistantId) : undefined;
  id ??= await findMarked(client, desired.name);
  if (!id) {
    const created = await callApi('create assistant', () => client.beta.assistants.create(body));
    logger.info({ assistantId: created.id }, 'created the assistant');
    await repository.set(desired.name, { assistantId: created.id, configHash: hash });
    return created.id;
  }
  const current = await callApi('retrieve assistant', () => client.beta.assistants.retrieve(id));
  if (current.metadata && (current.metadata as Record<string, string>).config_hash !== hash) {
    await callApi('update assistant', () => client.beta.assistants.update(id, body));
    logger.info({ assistantId: id }, 'updated the assistant to the new configuration');
  }
  await repository.set(desired.name, { assistantId: id, configHash: hash });
  return id;
}

async function existing(client: OpenAI, id: string): Promise<string | undefined> {
  try {
    await client.beta.assistants.retrieve(id);
    return id;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function findMarked(client: OpenAI, name: string): Promise<string | undefined> {
  return callApi('list assistants', async () => {
    for await (const assistant of client.beta.assistants.list({ limit: 100, order: 'desc' })) {
      const metadata = (assistant.metadata ?? {}) as Record<string, string>;
      if (assistant.name === name && metadata[ASSISTANT_MARKER] === 'true') return assistant.id;
    }
    return undefined;
  });
}
