import type { IncomingMessage } from 'node:http';
import type { UploadedFile } from './router.js';

/** A request body as Discord reads it: JSON, or multipart with `payload_json` and `files[n]`. */
export interface ParsedBody {
  json: unknown;
  files: UploadedFile[];
  /** The raw size, for the request-size limit. */
  bytes: number;
}

/** Reads and parses a request body (JSON or multipart). */
export async function readBody(request: IncomingMessage): Promise<ParsedBody> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const type = request.headers['content-type'] ?? '';
  if (raw.length === 0) return { json: undefined, files: [], bytes: 0 };
  if (type.startsWith('application/json')) {
    return { json: JSON.parse(raw.toString('utf8')) as unknown, files: [], bytes: raw.length };
  }
  if (type.startsWith('multipart/form-data')) {
    // undici's multipart parser, through the fetch API Node ships: no hand-written parser to get wrong.
    const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
    let json: unknown;
    const files: UploadedFile[] = [];
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') json = JSON.parse(value) as unknown;
        continue;
      }
      files.push({
        field,
        name: value.name,
        contentType: value.type,
        bytes: new Uint8Array(await value.arrayBuffer()),
      });
    }
    return { json, files, bytes: raw.length };
  }
  throw new Error(`unsupported content type ${type}`);
}
