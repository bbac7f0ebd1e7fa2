import type {
  Backend,
  BackendEvent,
  FileRef,
  RunMessage,
  RunProfile,
  ToolOutput,
} from '../backends/backend.js';
import type { Profiles } from '../config/profiles/types.js';
import type { RunConfig } from '../config/types.js';
import { classifyAttachment } from '../core/attachments.js';
import { AttachmentError, errorCode, ModelServiceError, USER_MESSAGES } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { InboundMessage } from '../core/messages.js';
import type { ReplyEvent, RunEnding } from '../core/reply-events.js';
import { applyAnnotations, createMarkerFilter } from '../render/citations.js';
import type { RunRecord, Store } from '../store/types.js';
import type { FunctionDefinition, ToolContext, ToolResult } from '../tools/tool.js';
import { type ApprovalsRound, approveMcpCalls, runApprovedTool } from './approval-round.js';
import type { Approvals } from './approvals.js';
import { endingNotice } from './endings.js';
import { chooseProfile } from './profile-choice.js';
import type { RunLedger } from './run-ledger.js';

/** The part of the tool registry a turn needs. */
export interface ToolExecutor {
  execute(
    call: { name: string; arguments: string },
    context: ToolContext & { timeoutMs: number },
  ): Promise<ToolResult>;
  /** The tools there are, as declared to the model: a profile's function tools are picked from these. */
  definitions?(): readonly FunctionDefinition[];
  /** Whether calls of this tool wait for a person's approval (none do when absent). */
  requiresApproval?(name: string): boolean;
}

/** Everything one turn works with. */
export interface TurnDeps {
  backend: Backend;
  store: Store;
  tools: ToolExecutor;
  run: RunConfig;
  logger: Logger;
  now: () => number;
  /** The profiles in force (read per turn); without them, runs use the backend's own configuration. */
  profiles?: () => Profiles;
  /** Tool calls that need a person's approval wait here. */
  approvals: Approvals;
  /** Stops the run's deadline while a call waits for approval; returns the release. */
  holdTimer?: () => () => void;
}

/** Why a turn's signal was aborted. */
export type AbortReason = 'cancel' | 'timeout' | 'shutdown';

/** How a turn ended: `suspended` when shutdown stopped it mid-run, left for the next start to resume. */
export type TurnOutcome = 'ended' | 'suspended';

/**
 * Runs one turn: the batch of user messages queued for a conversation goes into one run, and the
 * run's backend events become reply events on `emit`. With `resume` (a run a crashed or stopped
 * process left in the store), it re-attaches to that run instead of starting one. Never throws:
 * every failure ends in an `error` or `done` event, so the user always hears back.
 */
export async function runTurn(
  deps: TurnDeps,
  batch: readonly InboundMessage[],
  emit: (event: ReplyEvent) => void,
  signal: AbortSignal,
  ledger: RunLedger,
  resume?: RunRecord,
): Promise<TurnOutcome> {
  const last = batch.at(-1);
  if (!last) return 'ended';
  const log = deps.logger.child({ conversation: last.key });
  const turn = new TurnState(deps, last, emit, log, ledger);
  try {
    if (resume) {
      turn.log = log.child({ runId: resume.runId });
      turn.log.info('resuming a run left unfinished');
      const record = await deps.store.threads.get(last.key);
      const profile = chooseProfile(deps, last, record?.profile);
      await runOnThread(deps, turn, batch, { threadId: resume.threadId, profile }, [], signal, resume);
    } else {
      const messages = await uploadBatch(deps, batch, emit);
      await runWithThreadRetry(deps, turn, batch, messages, signal, log);
    }
    if (!turn.ended && signal.reason === 'shutdown') {
      // Left running at the service: the next start resumes it from the record, if there is one.
      if (ledger.current) return 'suspended';
      turn.emit(finalEvent({ kind: 'cancelled' }, signal));
      return 'ended';
    }
    if (!turn.ended) turn.emit(finalEvent({ kind: 'failed', code: 'stream_ended' }, signal));
  } catch (error) {
    const code = errorCode(error);
    turn.log.error({ err: error, code }, 'turn failed');
    emit({ type: 'error', code, text: USER_MESSAGES[code] });
  }
  await deps.approvals.forget(last.key);
  return 'ended';
}

async function runWithThreadRetry(
  deps: TurnDeps,
  turn: TurnState,
  batch: readonly InboundMessage[],
  messages: readonly RunMessage[],
  signal: AbortSignal,
  log: Logger,
): Promise<void> {
  const last = batch.at(-1) as InboundMessage;
  for (let attempt = 1; ; attempt++) {
    const thread = await threadFor(deps, last);
    const { threadId } = thread;
    try {
      return await runOnThread(deps, turn, batch, thread, messages, signal);
    } catch (error) {
      // The thread was deleted at the service (by an operator, a cleanup, another server): start a
      // new one, once, as long as nothing of this turn has reached the user yet.
      // (A 404 for a model that does not exist is the operator's fault, not a lost thread.)
      const gone =
        error instanceof ModelServiceError && error.status === 404 && error.code === 'model_service_error';
      if (attempt > 1 || turn.started || !gone) throw error;
      log.warn({ threadId }, 'the assistant thread is gone; starting a new one');
      await deps.store.threads.delete(last.key);
    }
  }
}

async function runOnThread(
  deps: TurnDeps,
  turn: TurnState,
  batch: readonly InboundMessage[],
  { threadId, profile }: TurnThread,
  messages: readonly RunMessage[],
  signal: AbortSignal,
  resume?: RunRecord,
): Promise<void> {
  const last = batch.at(-1) as InboundMessage;
  const run = deps.backend.startRun({
    key: last.key,
    threadId,
    messages,
    signal,
    ...(resume ? { resume: { runId: resume.runId, ...optional('position', resume.position) } } : {}),
    ...optional('profile', profile),
  });
  const round: ApprovalsRound = {
    approvals: deps.approvals,
    key: last.key,
    requesterId: last.userId,
    emit: turn.emit,
    signal,
    ...(deps.holdTimer ? { holdTimer: deps.holdTimer } : {}),
  };
  for await (const event of run) {
    if (event.type === 'action.required') {
      const outputs = await runToolRound(deps, last, event.calls, round);
      // Shutdown while a call waited for approval: nothing goes to the service; the approval stays
      // pending and the next start takes it up again.
      if (outputs !== 'suspended') run.submitToolOutputs(outputs);
      continue;
    }
    if (event.type === 'approval.required') {
      const answers = await approveMcpCalls(round, event.requests);
      if (answers !== 'suspended') run.submitApprovals(answers);
      continue;
    }
    await turn.handle(event, threadId, batch, signal);
  }
}

const optional = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

function finalEvent(ending: RunEnding, signal: AbortSignal): ReplyEvent {
  // A run we cancelled because it ran out of time is a timeout to the user, not a cancellation.
  const shown: RunEnding =
    ending.kind === 'cancelled' && signal.reason === 'timeout'
      ? { kind: 'timeout' }
      : ending.kind === 'failed'
        ? { kind: 'failed', code: ending.code }
        : ending;
  const notice = endingNotice(shown);
  return notice === undefined ? { type: 'done', ending: shown } : { type: 'done', ending: shown, notice };
}

/** Uploads every attachment of the batch; a refused file becomes a notice, not a failed turn. */
async function uploadBatch(
  deps: TurnDeps,
  batch: readonly InboundMessage[],
  emit: (event: ReplyEvent) => void,
): Promise<RunMessage[]> {
  const messages: RunMessage[] = [];
  for (const message of batch) {
    const files = [];
    for (const file of message.files) {
      try {
        const use = classifyAttachment(file, deps.run.maxAttachmentBytes);
        files.push(await deps.backend.uploadFile(file, use));
      } catch (error) {
        if (!(error instanceof AttachmentError)) throw error;
        emit({ type: 'notice', text: `Attachment skipped: ${error.message}` });
      }
    }
    messages.push({ text: message.text, files });
  }
  return messages;
}

/** The assistant thread a turn runs on, and the profile it runs with. */
interface TurnThread {
  threadId: string;
  profile: RunProfile | undefined;
}

/**
 * The conversation's assistant thread, created on first use (or when the backend changed), and its
 * profile: chosen when the thread is created and kept by name on the thread record.
 */
async function threadFor(deps: TurnDeps, message: InboundMessage): Promise<TurnThread> {
  const record = await deps.store.threads.get(message.key);
  const now = deps.now();
  if (record && record.backend === deps.backend.name) {
    const profile = chooseProfile(deps, message, record.profile);
    await deps.store.threads.set(message.key, {
      ...record,
      lastUsedAt: now,
      ...optional('profile', profile?.name),
    });
    return { threadId: record.threadId, profile };
  }
  const profile = chooseProfile(deps, message, undefined);
  const threadId = await deps.backend.createThread(message.key);
  await deps.store.threads.set(message.key, {
    threadId,
    backend: deps.backend.name,
    createdAt: now,
    lastUsedAt: now,
    ...optional('profile', profile?.name),
  });
  return { threadId, profile };
}

/**
 * Runs one round of function calls in parallel; every call gets an output, failures included. Calls
 * of tools that need approval run only once a person approved them. `suspended`: shutdown came while
 * a call waited for approval.
 */
async function runToolRound(
  deps: TurnDeps,
  message: InboundMessage,
  calls: readonly { callId: string; name: string; arguments: string }[],
  round: ApprovalsRound,
): Promise<ToolOutput[] | 'suspended'> {
  const { emit, signal } = round;
  emit({ type: 'status', text: `Calling ${calls.map((c) => c.name).join(', ')}…` });
  const outputs = await Promise.all(
    calls.map(async (call): Promise<ToolOutput | 'suspended'> => {
      if (deps.tools.requiresApproval?.(call.name)) {
        const refused = await runApprovedTool(round, call);
        if (refused !== 'approved') return refused;
      }
      const result = await deps.tools.execute(call, {
        signal,
        key: message.key,
        userId: message.userId,
        timeoutMs: deps.run.toolTimeoutMs,
      });
      emit({
        type: 'tool',
        call: {
          kind: 'function',
          id: call.callId,
          name: call.name,
          arguments: call.arguments,
          result: result.output,
          isError: result.isError,
        },
      });
      return { callId: call.callId, output: result.output };
    }),
  );
  return outputs.some((o) => o === 'suspended') ? 'suspended' : (outputs as ToolOutput[]);
}

/** Per-turn bookkeeping: citation filters per message, files already delivered, the ending. */
class TurnState {
  ended = false;
  /** Has anything of the run reached the user? */
  started = false;
  private readonly filters = new Map<string, ReturnType<typeof createMarkerFilter>>();
  private readonly deliveredFiles = new Set<string>();

  constructor(
    private readonly deps: TurnDeps,
    private readonly message: InboundMessage,
    readonly emit: (event: ReplyEvent) => void,
    public log: Logger,
    private readonly ledger: RunLedger,
  ) {}

  async handle(
    event: Exclude<BackendEvent, { type: 'action.required' | 'approval.required' }>,
    threadId: string,
    batch: readonly InboundMessage[],
    signal: AbortSignal,
  ): Promise<void> {
    this.started ||= event.type !== 'checkpoint';
    switch (event.type) {
      case 'run.created':
        // Every later log line of the turn names the run.
        this.log = this.log.child({ runId: event.checkpoint.runId });
        this.log.info({ messages: batch.length }, 'run started');
        await this.ledger.start({
          key: this.message.key,
          backend: this.deps.backend.name,
          threadId,
          runId: event.checkpoint.runId,
          ...optional('position', event.checkpoint.position),
          messageIds: batch.map((m) => m.id),
          userId: this.message.userId,
          replyTo: this.message.replyTo,
          startedAt: this.deps.now(),
        });
        this.emit({ type: 'run.started', runId: event.checkpoint.runId, messageIds: batch.map((m) => m.id) });
        return;
      case 'checkpoint':
        // Where the run is now (a later response of the turn, a later stream position): what a
        // restart needs to pick the run up again.
        await this.ledger.checkpoint(event.checkpoint);
        return;
      case 'status':
        this.emit({ type: 'status', text: event.text });
        return;
      case 'text.delta': {
        const delta = this.filterFor(event.itemId).push(event.delta);
        if (delta) this.emit({ type: 'text.delta', messageId: event.itemId, delta });
        return;
      }
      case 'text.done': {
        this.filters.delete(event.itemId);
        const { text, citations } = applyAnnotations(event.text, event.annotations);
        this.emit({ type: 'text.done', messageId: event.itemId, text, citations });
        for (const annotation of event.annotations) {
          if (annotation.file) await this.deliver(annotation.file, 'file');
        }
        return;
      }
      case 'tool':
        this.emit({ type: 'tool', call: event.call });
        return;
      case 'file':
        await this.deliver(event.ref, event.kind);
        return;
      case 'usage':
        this.emit({ type: 'usage', usage: event.usage });
        await this.deps.store.usage
          .record(this.message.key, this.message.userId, event.usage, new Date(this.deps.now()))
          .catch((err: unknown) => this.log.warn({ err }, 'could not record usage'));
        return;
      case 'ended':
        this.ended = true;
        if (event.ending.kind !== 'completed') this.log.info({ ending: event.ending }, 'run ended');
        this.emit(finalEvent(event.ending, signal));
        return;
    }
  }

  private filterFor(itemId: string): ReturnType<typeof createMarkerFilter> {
    let filter = this.filters.get(itemId);
    if (!filter) {
      filter = createMarkerFilter();
      this.filters.set(itemId, filter);
    }
    return filter;
  }

  /** Downloads a file the model made and passes it on, once per file however often it is named. */
  private async deliver(ref: FileRef, kind: 'image' | 'file'): Promise<void> {
    if (this.deliveredFiles.has(ref.fileId)) return;
    this.deliveredFiles.add(ref.fileId);
    try {
      const file = await this.deps.backend.downloadFile(ref);
      this.emit({
        type: 'file',
        file: { ...file, kind: kind === 'image' || file.mimeType.startsWith('image/') ? 'image' : 'file' },
      });
    } catch (err) {
      this.log.warn({ err, fileId: ref.fileId }, 'could not download a generated file');
      this.emit({
        type: 'notice',
        text: `A file the assistant made could not be downloaded (${ref.name ?? ref.fileId}).`,
      });
    }
  }
}
