import type OpenAI from 'openai';
import type { BackendEvent } from '../backend.js';
import { baseName, mimeTypeOf } from '../shared/mime.js';

/**
 * Files the code interpreter wrote that no citation named (the model does not always cite what it
 * saved): listed from the containers, newer than `since` (epoch seconds: the turn's start); the
 * orchestrator skips repeats.
 */
export async function* uncitedContainerFiles(
  client: OpenAI,
  containers: ReadonlySet<string>,
  since: number,
): AsyncGenerator<BackendEvent> {
  for (const containerId of containers) {
    const files = client.containers.files.list(containerId, { order: 'asc', limit: 100 });
    for await (const file of files) {
      if (file.source !== 'assistant' || file.created_at < since) continue;
      const name = baseName(file.path);
      yield {
        type: 'file',
        kind: mimeTypeOf(name).startsWith('image/') ? 'image' : 'file',
        ref: { fileId: file.id, containerId, name },
      };
    }
  }
}
