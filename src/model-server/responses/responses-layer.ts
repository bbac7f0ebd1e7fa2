import type { FileStore } from '../files/file-store.js';
import type { Faults } from '../http/faults.js';
import type { Route } from '../http/router.js';
import type { ModelScript } from '../script.js';
import { containerRoutes } from './container-routes.js';
import { ContainerStore } from './containers.js';
import { conversationRoutes } from './conversation-routes.js';
import { ResponseEngine } from './engine.js';
import { responseRoutes } from './response-routes.js';
import { ResponsesState } from './state.js';

export interface ResponsesLayerOptions {
  files: FileStore;
  faults: Faults;
  script(): ModelScript;
  /** The server's `/v1` URL (known once it listens), for the URLs of code-interpreter images. */
  baseUrl(): string;
  changed(): void;
}

/** The Responses API with the Conversations API and code-interpreter containers, over the shared files. */
export interface ResponsesLayer {
  routes: Route[];
  state: ResponsesState;
  containers: ContainerStore;
  engine: ResponseEngine;
}

export function createResponsesLayer(options: ResponsesLayerOptions): ResponsesLayer {
  const state = new ResponsesState();
  const containers = new ContainerStore();
  const engine = new ResponseEngine({
    state,
    files: options.files,
    containers,
    script: options.script,
    baseUrl: options.baseUrl,
    changed: options.changed,
  });
  const routes = [
    ...responseRoutes({ state, files: options.files, containers, faults: options.faults, engine }),
    ...conversationRoutes(state, options.files, engine),
    ...containerRoutes(containers),
  ];
  return { routes, state, containers, engine };
}
