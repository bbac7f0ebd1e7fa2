import { mimeFromName } from '../files/file-store.js';
import { FakeApiError } from '../http/errors.js';
import { newHexId, nowSeconds } from '../ids.js';

/** A file in a code-interpreter container (schema `ContainerFileResource`). */
export interface ContainerFileObject {
  id: string;
  object: 'container.file';
  container_id: string;
  created_at: number;
  bytes: number;
  path: string;
  /** `user`: uploaded with the tool's `file_ids`; `assistant`: written by the model's code. */
  source: 'user' | 'assistant';
}

export interface ContainerFile {
  object: ContainerFileObject;
  mimeType: string;
  bytes: Uint8Array;
}

export interface ContainerRecord {
  id: string;
  created_at: number;
  /** Oldest first. */
  files: ContainerFile[];
}

/**
 * Code-interpreter containers of the Responses API: where uploaded inputs and the files the code
 * writes live (`/mnt/data/...`). Their files are not in /files; clients list the container.
 */
export class ContainerStore {
  readonly #containers = new Map<string, ContainerRecord>();

  create(): ContainerRecord {
    const record: ContainerRecord = { id: newHexId('cntr'), created_at: nowSeconds(), files: [] };
    this.#containers.set(record.id, record);
    return record;
  }

  get(id: string): ContainerRecord | undefined {
    return this.#containers.get(id);
  }

  /** The container, or the service's 404. */
  require(id: string): ContainerRecord {
    const record = this.#containers.get(id);
    if (!record) throw new FakeApiError(404, `Container with id '${id}' not found.`);
    return record;
  }

  /** The file, or the service's 404 (a file of another container is as unknown as a made-up one). */
  file(containerId: string, fileId: string): ContainerFile {
    const file = this.require(containerId).files.find((f) => f.object.id === fileId);
    if (!file) throw new FakeApiError(404, `Container file with id '${fileId}' not found.`);
    return file;
  }

  /** Writes `/mnt/data/<name>`; a file the container already has under that path is replaced. */
  write(
    container: ContainerRecord,
    input: { name: string; bytes: Uint8Array; mimeType?: string; source: ContainerFileObject['source'] },
  ): ContainerFile {
    const path = `/mnt/data/${input.name}`;
    container.files = container.files.filter((f) => f.object.path !== path);
    const file: ContainerFile = {
      object: {
        id: newHexId('cfile'),
        object: 'container.file',
        container_id: container.id,
        created_at: nowSeconds(),
        bytes: input.bytes.length,
        path,
        source: input.source,
      },
      mimeType: input.mimeType || mimeFromName(input.name),
      bytes: input.bytes,
    };
    container.files.push(file);
    return file;
  }

  list(): ContainerRecord[] {
    return [...this.#containers.values()];
  }
}
