import type { Assistant, AssistantStreamEvent } from 'openai/resources/beta/assistants';
import type { Message } from 'openai/resources/beta/threads/messages';
import type { RequiredActionFunctionToolCall, Run } from 'openai/resources/beta/threads/runs/runs';
import type { RunStep } from 'openai/resources/beta/threads/runs/steps';
import type { Thread } from 'openai/resources/beta/threads/threads';
import { notFound } from '../http/errors.js';

/** Receives every stream event of a run, in order, as it happens. */
export type RunListener = (event: AssistantStreamEvent) => void;

export interface PendingAction {
  calls: readonly RequiredActionFunctionToolCall[];
  step: RunStep;
  /** Resumes the run with the submitted outputs, in the order of `calls`. */
  resume(outputs: readonly string[]): void;
}

/** A run and everything the fake keeps about it beyond the wire object. */
export interface RunRecord {
  run: Run;
  /** Oldest first. */
  steps: RunStep[];
  /** Every event emitted, whether or not a client was streaming. */
  events: AssistantStreamEvent[];
  listeners: Set<RunListener>;
  /** Aborted on cancel, expiry or shutdown; `stopReason` says which. */
  abort: AbortController;
  stopReason?: 'cancelled' | 'expired' | 'shutdown';
  pending?: PendingAction | undefined;
  /** `include[]` given at creation: what streamed steps show. */
  include: readonly string[];
  /** The user messages this run answers. */
  turnMessageIds: readonly string[];
  expiryTimer?: NodeJS.Timeout;
}

export interface ThreadRecord {
  thread: Thread;
  /** Oldest first. */
  messages: Message[];
  /** Oldest first. */
  runs: RunRecord[];
  /** User messages a run has already taken as its turn. */
  answered: Set<string>;
}

const ACTIVE: ReadonlySet<Run['status']> = new Set([
  'queued',
  'in_progress',
  'requires_action',
  'cancelling',
]);

export function isActive(run: Run): boolean {
  return ACTIVE.has(run.status);
}

/** In-memory Assistants API state, with lookups that throw the service's 404s. */
export class AssistantsState {
  readonly assistants = new Map<string, Assistant>();
  readonly threads = new Map<string, ThreadRecord>();
  readonly runs = new Map<string, RunRecord>();

  assistant(id: string): Assistant {
    const assistant = this.assistants.get(id);
    if (!assistant) throw notFound('assistant', id);
    return assistant;
  }

  thread(id: string): ThreadRecord {
    const thread = this.threads.get(id);
    if (!thread) throw notFound('thread', id);
    return thread;
  }

  /** A run of this thread; a run id of another thread is as unknown as a made-up one. */
  run(threadId: string, runId: string): RunRecord {
    const thread = this.thread(threadId);
    const record = this.runs.get(runId);
    if (!record || record.run.thread_id !== thread.thread.id) throw notFound('run', runId);
    return record;
  }

  message(threadId: string, messageId: string): Message {
    const message = this.thread(threadId).messages.find((m) => m.id === messageId);
    if (!message) throw notFound('message', messageId);
    return message;
  }

  step(threadId: string, runId: string, stepId: string): RunStep {
    const step = this.run(threadId, runId).steps.find((s) => s.id === stepId);
    if (!step) throw notFound('run step', stepId);
    return step;
  }

  activeRun(threadId: string): RunRecord | undefined {
    return this.thread(threadId).runs.find((r) => isActive(r.run));
  }
}
