/**
 * A conversation key names one chat thread on one platform:
 * `discord:<channel>:<thread>`, `slack:<team>:<channel>:<thread_ts>` or `console:<session>`.
 * It is the only thing the orchestrator and store know about where a message came from.
 */
export type ConversationKey = string & { readonly __brand: 'ConversationKey' };

/** Builds a key from its parts; a part may not contain ':' so that keys can be split again. */
export function conversationKey(platform: string, ...parts: string[]): ConversationKey {
  for (const part of [platform, ...parts]) {
    if (part.length === 0 || part.includes(':')) {
      throw new Error(`invalid conversation key part: ${JSON.stringify(part)}`);
    }
  }
  return [platform, ...parts].join(':') as ConversationKey;
}

/** The platform a key belongs to (its first part). */
export function platformOf(key: ConversationKey): string {
  return key.slice(0, key.indexOf(':'));
}
