import type { FileStore } from '../files/file-store.js';
import type { Faults } from '../http/faults.js';
import type { Route } from '../http/router.js';
import type { ModelScript } from '../script.js';
import { assistantRoutes } from './assistant-routes.js';
import { RunEngine } from './run-engine.js';
import { runRoutes } from './run-routes.js';
import { AssistantsState } from './state.js';
import { threadRoutes } from './thread-routes.js';

export interface AssistantsLayerOptions {
  files: FileStore;
  faults: Faults;
  script(): ModelScript;
  pollAfterMs(): number;
  requiresActionExpiryMs(): number;
  changed(): void;
}

/** The Assistants API (assistants, threads, messages, runs, run steps) over the shared file store. */
export interface AssistantsLayer {
  routes: Route[];
  state: AssistantsState;
  engine: RunEngine;
}

export function createAssistantsLayer(options: AssistantsLayerOptions): AssistantsLayer {
  const state = new AssistantsState();
  const engine = new RunEngine({
    state,
    files: options.files,
    script: options.script,
    requiresActionExpiryMs: options.requiresActionExpiryMs,
    changed: options.changed,
  });
  const routes = [
    ...assistantRoutes(state),
    ...threadRoutes(state, options.files, engine),
    ...runRoutes({
      state,
      files: options.files,
      faults: options.faults,
      engine,
      pollAfterMs: options.pollAfterMs,
      requiresActionExpiryMs: options.requiresActionExpiryMs,
    }),
  ];
  return { routes, state, engine };
}
