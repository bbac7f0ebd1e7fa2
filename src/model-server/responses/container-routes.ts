import { paginate } from '../http/paginate.js';
import type { Route } from '../http/router.js';
import type { ContainerStore } from './containers.js';

/** Container files: what the code interpreter wrote, listed and downloaded. */
export function containerRoutes(containers: ContainerStore): Route[] {
  return [
    {
      method: 'GET',
      path: '/containers/{container_id}/files',
      operation: 'ListContainerFiles',
      handle: ({ params, query }) => {
        const files = containers
          .require(params.container_id ?? '')
          .files.map((f) => structuredClone(f.object));
        return { kind: 'json', schema: 'ContainerFileListResource', body: paginate(files, query) };
      },
    },
    {
      method: 'GET',
      path: '/containers/{container_id}/files/{file_id}',
      operation: 'RetrieveContainerFile',
      handle: ({ params }) => ({
        kind: 'json',
        schema: 'ContainerFileResource',
        body: structuredClone(containers.file(params.container_id ?? '', params.file_id ?? '').object),
      }),
    },
    {
      method: 'GET',
      path: '/containers/{container_id}/files/{file_id}/content',
      operation: 'RetrieveContainerFileContent',
      handle: ({ params }) => {
        const file = containers.file(params.container_id ?? '', params.file_id ?? '');
        return { kind: 'bytes', body: file.bytes, contentType: file.mimeType };
      },
    },
  ];
}
