import type { StoreDriver } from './driver.js';
import { storeKeys } from './keys.js';
import type { AssistantRecord, AssistantRepository } from './types.js';

/** The assistant objects this bot created, by assistant name, so a restart reuses them. */
export function createAssistantRepository(driver: StoreDriver): AssistantRepository {
  return {
    get: (name: string) => driver.get<AssistantRecord>(storeKeys.assistant(name)),
    set: (name: string, record: AssistantRecord) => driver.set(storeKeys.assistant(name), record),
  };
}
