import type {
  Backend,
  BackendEvent,
  BackendRun,
  FileRef,
  McpApprovalAnswer,
  RunRequest,
  ToolOutput,
  UploadedFile,
} from '../../src/backends/backend.js';
import { ModelServiceError } from '../../src/core/errors.js';
import type { InboundFile } from '../../src/core/messages.js';
import type { OutboundFile } from '../../src/core/reply-events.js';

/** What a scripted run can see and use: the tool outputs of its last required action. */
export interface RunIO {
  readonly request: RunRequest;
  outputs: readonly ToolOutput[] | undefined;
  /** The answers to its last `approval.required`. */
  approvals: readonly McpApprovalAnswer[] | undefined;
}

export type RunScript = (io: RunIO) => AsyncGenerator<BackendEvent, void, undefined>;

/**
 * A Backend for orchestrator unit tests: each run plays a script, and everything the orchestrator
 * asked for is recorded. (Integration and contract tests use the real backends against the fake server.)
 */
export class ScriptedBackend implements Backend {
  readonly name = 'assistants' as const;
  readonly createdThreads: string[] = [];
  readonly deletedThreads: string[] = [];
  readonly runs: RunRequest[] = [];
  readonly uploads: InboundFile[] = [];
  readonly submitted: (readonly ToolOutput[])[] = [];
  readonly files = new Map<string, OutboundFile>();
  /** Thread ids that the "service" says no longer exist. */
  readonly goneThreads = new Set<string>();

  constructor(public script: RunScript) {}

  async prepare(): Promise<void> {}

  async createThread(): Promise<string> {
    const id = `thread_${this.createdThreads.length + 1}`;
    this.createdThreads.push(id);
    return id;
  }

  async deleteThread(threadId: string): Promise<void> {
    this.deletedThreads.push(threadId);
  }

  async uploadFile(file: InboundFile, use: UploadedFile['use']): Promise<UploadedFile> {
    this.uploads.push(file);
    return { fileId: `file_${this.uploads.length}`, name: file.name, use };
  }

  startRun(request: RunRequest): BackendRun {
    this.runs.push(request);
    const io: RunIO = { request, outputs: undefined, approvals: undefined };
    const generator = this.goneThreads.has(request.threadId) ? gone(request.threadId) : this.script(io);
    const submitted = this.submitted;
    return {
      submitToolOutputs(outputs) {
        io.outputs = outputs;
        submitted.push(outputs);
      },
      submitApprovals(answers) {
        io.approvals = answers;
      },
      async cancel() {},
      [Symbol.asyncIterator]: () => generator,
    };
  }

  async downloadFile(ref: FileRef): Promise<OutboundFile> {
    const file = this.files.get(ref.fileId);
    if (!file) throw new Error(`no file ${ref.fileId}`);
    return file;
  }
}

/** A run on a thread the service no longer has: fails before any event, as the real API does. */
function gone(threadId: string): AsyncGenerator<BackendEvent, void, undefined> {
  const error = new ModelServiceError(`No thread found with id '${threadId}'.`, { status: 404 });
  return (async function* () {
    yield* [];
    throw error;
  })();
}

/** Resolves when `signal` aborts: lets a scripted run "hang" until cancelled or timed out. */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
