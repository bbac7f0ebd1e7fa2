import type { FileObject } from 'openai/resources/files';
import { badRequest } from '../http/errors.js';
import { paginate } from '../http/paginate.js';
import type { Route } from '../http/router.js';
import type { FileStore } from './file-store.js';

/** Purposes a client may upload with (the spec's CreateFileRequest enum). */
const UPLOAD_PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'] as const;

/** POST/GET/DELETE /files and GET /files/{file_id}/content. */
export function fileRoutes(files: FileStore): Route[] {
  return [
    {
      method: 'POST',
      path: '/files',
      operation: 'createFile',
      requestSchema: 'CreateFileRequest',
      handle: ({ multipart }) => {
        const file = multipart.get('file');
        const purpose = multipart.get('purpose');
        if (file === undefined || typeof file === 'string') {
          throw badRequest("Missing required parameter: 'file'.", 'file', 'missing_required_parameter');
        }
        if (typeof purpose !== 'string') {
          throw badRequest("Missing required parameter: 'purpose'.", 'purpose', 'missing_required_parameter');
        }
        if (!(UPLOAD_PURPOSES as readonly string[]).includes(purpose)) {
          const allowed = UPLOAD_PURPOSES.map((p) => `'${p}'`).join(', ');
          throw badRequest(`'${purpose}' is not one of [${allowed}] - 'purpose'`, 'purpose', 'invalid_value');
        }
        const stored = files.add({
          filename: file.filename,
          bytes: file.bytes,
          purpose: purpose as FileObject['purpose'],
          mimeType: file.type.split(';')[0] ?? '',
        });
        return { kind: 'json', schema: 'OpenAIFile', body: stored.object };
      },
    },
    {
      method: 'GET',
      path: '/files',
      operation: 'listFiles',
      handle: ({ query }) => {
        const all = files.list().map((f) => f.object);
        const data = typeof query.purpose === 'string' ? all.filter((f) => f.purpose === query.purpose) : all;
        return {
          kind: 'json',
          schema: 'ListFilesResponse',
          body: paginate(data, query, { limit: 10_000, maxLimit: 10_000 }),
        };
      },
    },
    {
      method: 'GET',
      path: '/files/{file_id}',
      operation: 'retrieveFile',
      handle: ({ params }) => ({
        kind: 'json',
        schema: 'OpenAIFile',
        body: files.require(params.file_id ?? '').object,
      }),
    },
    {
      method: 'DELETE',
      path: '/files/{file_id}',
      operation: 'deleteFile',
      handle: ({ params }) => {
        const { id } = files.require(params.file_id ?? '').object;
        files.delete(id);
        return { kind: 'json', schema: 'DeleteFileResponse', body: { id, object: 'file', deleted: true } };
      },
    },
    {
      method: 'GET',
      path: '/files/{file_id}/content',
      operation: 'downloadFile',
      handle: ({ params }) => {
        const file = files.require(params.file_id ?? '');
        return { kind: 'bytes', body: file.bytes, contentType: file.mimeType };
      },
    },
  ];
}
