import type { ModelServiceHealth } from '../core/model-service-health.js';
import type { Backend, BackendEvent, BackendRun } from './backend.js';

/** The part of `ModelServiceHealth` a backend reports to. */
export type HealthSink = Pick<ModelServiceHealth, 'failed' | 'answered'>;

/**
 * The backend, reporting to `health` what the model service answers: every failed call, and every
 * run that ends normally (the one sure sign that key, model and credit are all fine, since a quota
 * fault can come after a run was accepted).
 */
export function watchHealth(backend: Backend, health: HealthSink): Backend {
  const watch = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      health.failed(error);
      throw error;
    }
  };
  return {
    name: backend.name,
    prepare: () => watch(() => backend.prepare()),
    createThread: (key) => watch(() => backend.createThread(key)),
    deleteThread: (threadId) => watch(() => backend.deleteThread(threadId)),
    uploadFile: (file, use) => watch(() => backend.uploadFile(file, use)),
    downloadFile: (ref) => watch(() => backend.downloadFile(ref)),
    startRun: (request) => watchRun(backend.startRun(request), health),
  };
}

function watchRun(run: BackendRun, health: HealthSink): BackendRun {
  async function* events(): AsyncGenerator<BackendEvent> {
    try {
      for await (const event of run) {
        if (
          event.type === 'ended' &&
          (event.ending.kind === 'completed' || event.ending.kind === 'incomplete')
        )
          health.answered();
        yield event;
      }
    } catch (error) {
      health.failed(error);
      throw error;
    }
  }
  return {
    submitToolOutputs: (outputs) => run.submitToolOutputs(outputs),
    submitApprovals: (answers) => run.submitApprovals(answers),
    cancel: () => run.cancel(),
    [Symbol.asyncIterator]: events,
  };
}
