import type { AppConfig } from '../config/types.js';
import type { Logger } from '../core/logger.js';
import type { FunctionDefinition } from '../core/tool-definition.js';
import type { Store } from '../store/types.js';
import { AssistantsBackend } from './assistants/assistants-backend.js';
import type { Backend } from './backend.js';
import { ResponsesBackend } from './responses/responses-backend.js';
import { createOpenAIClient } from './shared/openai-client.js';

export interface BackendDeps {
  store: Store;
  functions: readonly FunctionDefinition[];
  logger: Logger;
}

/** The backend `ASSISTANT_BACKEND` names, with its SDK client. */
export function createBackend(config: AppConfig, deps: BackendDeps): Backend {
  const client = createOpenAIClient(config.openai);
  switch (config.assistant.backend) {
    case 'assistants':
      return new AssistantsBackend({
        client,
        assistant: config.assistant,
        functions: deps.functions,
        assistants: deps.store.assistants,
        logger: deps.logger.child({ backend: 'assistants' }),
        stallMs: config.run.streamStallMs,
      });
    case 'responses':
      return new ResponsesBackend({
        client,
        assistant: config.assistant,
        functions: deps.functions,
        threads: deps.store.threads,
        logger: deps.logger.child({ backend: 'responses' }),
        stallMs: config.run.streamStallMs,
      });
  }
}
