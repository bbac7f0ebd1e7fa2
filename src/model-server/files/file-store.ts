import type { FileObject } from 'openai/resources/files';
import { FakeApiError } from '../http/errors.js';
import { newId, nowSeconds } from '../ids.js';

/** A stored file: its wire object and its bytes. */
export interface StoredFile {
  object: FileObject;
  mimeType: string;
  bytes: Uint8Array;
}

const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  csv: 'text/csv',
  txt: 'text/plain',
  md: 'text/markdown',
  json: 'application/json',
  pdf: 'application/pdf',
  py: 'text/x-python',
};

export function mimeFromName(name: string): string {
  const ext = name.split('.').at(-1)?.toLowerCase() ?? '';
  return MIME_BY_EXTENSION[ext] ?? 'application/octet-stream';
}

/** The /files store, shared by every API layer (uploads in, code-interpreter output out). */
export class FileStore {
  readonly #files = new Map<string, StoredFile>();

  add(input: {
    filename: string;
    bytes: Uint8Array;
    purpose: FileObject['purpose'];
    mimeType?: string;
  }): StoredFile {
    const stored: StoredFile = {
      object: {
        id: newId('file'),
        object: 'file',
        bytes: input.bytes.length,
        created_at: nowSeconds(),
        filename: input.filename,
        purpose: input.purpose,
        status: 'processed',
      },
      mimeType: input.mimeType || mimeFromName(input.filename),
      bytes: input.bytes,
    };
    this.#files.set(stored.object.id, stored);
    return stored;
  }

  get(id: string): StoredFile | undefined {
    return this.#files.get(id);
  }

  /** The file, or the service's 404 for an unknown id. */
  require(id: string): StoredFile {
    const file = this.#files.get(id);
    // The files endpoints word their 404 differently from the Assistants ones.
    if (!file) throw new FakeApiError(404, `No such File object: ${id}`, { param: 'id' });
    return file;
  }

  delete(id: string): boolean {
    return this.#files.delete(id);
  }

  list(): StoredFile[] {
    return [...this.#files.values()];
  }
}
