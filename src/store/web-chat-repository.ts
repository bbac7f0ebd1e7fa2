import { conversationKey } from '../core/conversation.js';
import type { StoreDriver } from './driver.js';
import { storeKeys } from './keys.js';
import type { WebChatRepository, WebConversationRecord, WebFileRecord } from './types.js';

/** A file as JSON: its bytes as base64. */
interface StoredFile {
  name: string;
  mimeType: string;
  base64: string;
}

/**
 * The web chat's records on either store. A user's conversations are a set of ids plus one record
 * each; a conversation's events are a log (one row or list item per event, appended atomically, so
 * two instances writing to one conversation never reuse a position); files are records indexed per
 * conversation so that removing the conversation removes them.
 */
export function createWebChatRepository(driver: StoreDriver): WebChatRepository {
  const get = (user: string, id: string) =>
    driver.get<WebConversationRecord>(storeKeys.webConversation(user, id));
  return {
    get,
    async list(user) {
      const ids = await driver.members(storeKeys.webConversations(user));
      const records = await Promise.all(ids.map((id) => get(user, id)));
      return records
        .filter((record): record is WebConversationRecord => record !== undefined)
        .sort((a, b) => b.updatedAt - a.updatedAt || b.createdAt - a.createdAt);
    },
    owner: (id) => driver.get<string>(storeKeys.webOwner(id)),
    async save(user, record) {
      // The index first: a record is never left where the list cannot find it.
      await driver.addMember(storeKeys.webConversations(user), record.id);
      await driver.set(storeKeys.webOwner(record.id), user);
      await driver.set(storeKeys.webConversation(user, record.id), record);
    },
    async remove(user, id) {
      const key = conversationKey('web', user, id);
      for (const fileId of await driver.members(storeKeys.webFiles(key))) {
        await driver.delete(storeKeys.webFile(key, fileId));
        await driver.removeMember(storeKeys.webFiles(key), fileId);
      }
      await driver.deleteLog(storeKeys.webLog(key));
      await driver.delete(storeKeys.webConversation(user, id));
      await driver.removeMember(storeKeys.webConversations(user), id);
      await driver.delete(storeKeys.webOwner(id));
    },
    append: (key, event) => driver.appendLog(storeKeys.webLog(key), event),
    events: async (key, after, limit) =>
      (await driver.readLog(storeKeys.webLog(key), after, limit)).map(({ position, item }) => ({
        position,
        event: item,
      })),
    async saveFile(key, fileId, file) {
      await driver.addMember(storeKeys.webFiles(key), fileId);
      const { bytes, ...rest } = file;
      const base64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
      await driver.set(storeKeys.webFile(key, fileId), { ...rest, base64 } satisfies StoredFile);
    },
    async file(key, fileId): Promise<WebFileRecord | undefined> {
      const stored = await driver.get<StoredFile>(storeKeys.webFile(key, fileId));
      if (stored === undefined) return undefined;
      const { base64, ...rest } = stored;
      return { ...rest, bytes: new Uint8Array(Buffer.from(base64, 'base64')) };
    },
  };
}
