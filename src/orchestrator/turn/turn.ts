import type { RunMessage } from '../../backends/backend.js';
import { errorCode, ModelServiceError, USER_MESSAGES } from '../../core/errors.js';
import type { InboundMessage } from '../../core/messages.js';
import type { ReplyEvent } from '../../core/reply-events.js';
import type { RunRecord } from '../../store/types.js';
import { type ApprovalsRound, approveMcpCalls } from '../approvals/approval-round.js';
import { finalEvent } from './endings.js';
import { optional } from './optional.js';
import { chooseProfile } from './profile-choice.js';
import { RunEvents } from './run-events.js';
import type { RunLedger } from './run-ledger.js';
import { type TurnThread, threadFor } from './thread-for.js';
import { runToolRound } from './tool-round.js';
import type { TurnDeps, TurnOutcome } from './turn-deps.js';
import { uploadBatch } from './upload-batch.js';

/**
 * One turn: the batch of user messages queued for a conversation goes into one run, and the run's
 * backend events become reply events on `emit`. Read it top-down: `play` starts a run (or resumes
 * one a crashed or stopped process left), `runOn` streams it and answers its tool calls round by
 * round, and `play` makes sure the user always hears how it ended.
 */
export class Turn {
  /** The message the run answers: the batch's last. */
  private readonly last: InboundMessage;
  private readonly events: RunEvents;

  constructor(
    private readonly deps: TurnDeps,
    private readonly batch: readonly [InboundMessage, ...InboundMessage[]],
    emit: (event: ReplyEvent) => void,
    private readonly signal: AbortSignal,
    private readonly ledger: RunLedger,
  ) {
    this.last = batch.at(-1) as InboundMessage;
    this.events = new RunEvents(
      deps,
      this.last,
      emit,
      deps.logger.child({ conversation: this.last.key }),
      ledger,
    );
  }

  /**
   * Plays the turn to its end. With `resume` (a run a crashed or stopped process left in the store),
   * it re-attaches to that run instead of starting one. Never throws: every failure ends in an
   * `error` or `done` event, so the user always hears back.
   */
  async play(resume?: RunRecord): Promise<TurnOutcome> {
    try {
      if (resume) await this.resume(resume);
      else await this.start();
      const stopped = this.stoppedByShutdown();
      if (stopped) return stopped;
      if (!this.events.ended)
        this.events.emit(finalEvent({ kind: 'failed', code: 'stream_ended' }, this.signal));
    } catch (error) {
      const code = errorCode(error);
      this.events.log.error({ err: error, code }, 'turn failed');
      this.events.emit({ type: 'error', code, text: USER_MESSAGES[code] });
    }
    await this.deps.approvals.forget(this.last.key);
    return 'ended';
  }

  /** A new run for the batch, its files uploaded first, on the conversation's thread. */
  private async start(): Promise<void> {
    const messages = await uploadBatch(this.deps, this.batch, this.events.emit);
    for (let attempt = 1; ; attempt++) {
      const thread = await threadFor(this.deps, this.last);
      const failed = await this.runOn(thread, messages).then(
        () => undefined,
        (error: unknown) => ({ error }),
      );
      // The thread's last use is written before the turn ends, and before a gone thread's record goes.
      await thread.touched;
      if (!failed) return;
      const { error } = failed;
      // The thread was deleted at the service (by an operator, a cleanup, another server): start a
      // new one, once, as long as nothing of this turn has reached the user yet.
      if (attempt > 1 || this.events.started || !threadGone(error)) throw error;
      this.events.log.warn({ threadId: thread.threadId }, 'the assistant thread is gone; starting a new one');
      await this.deps.store.threads.delete(this.last.key);
    }
  }

  /** Re-attaches to a run left unfinished, on the thread it ran on, with the profile kept there. */
  private async resume(record: RunRecord): Promise<void> {
    this.events.nameRun(record.runId);
    this.events.log.info('resuming a run left unfinished');
    const thread = await this.deps.store.threads.get(this.last.key);
    const profile = chooseProfile(this.deps, this.last, thread?.profile);
    await this.runOn({ threadId: record.threadId, profile }, [], record);
  }

  /** Streams the run to its end, answering its tool calls and approval requests as they come. */
  private async runOn(
    { threadId, profile }: Pick<TurnThread, 'threadId' | 'profile'>,
    messages: readonly RunMessage[],
    resume?: RunRecord,
  ): Promise<void> {
    const run = this.deps.backend.startRun({
      key: this.last.key,
      threadId,
      messages,
      signal: this.signal,
      ...(resume ? { resume: { runId: resume.runId, ...optional('position', resume.position) } } : {}),
      ...optional('profile', profile),
    });
    const round: ApprovalsRound = {
      approvals: this.deps.approvals,
      key: this.last.key,
      requesterId: this.last.userId,
      emit: this.events.emit,
      signal: this.signal,
      ...(this.deps.holdTimer ? { holdTimer: this.deps.holdTimer } : {}),
    };
    for await (const event of run) {
      if (event.type === 'action.required') {
        const outputs = await runToolRound(this.deps, this.last, event.calls, round);
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
      await this.events.handle(event, threadId, this.batch, this.signal);
    }
  }

  /**
   * Shutdown stopped the run before it ended: left running at the service, it is `suspended` for the
   * next start to resume from its record; with no record yet, the user is told it stopped.
   */
  private stoppedByShutdown(): TurnOutcome | undefined {
    if (this.events.ended || this.signal.reason !== 'shutdown') return undefined;
    if (this.ledger.current) return 'suspended';
    this.events.emit(finalEvent({ kind: 'cancelled' }, this.signal));
    return 'ended';
  }
}

/** A 404 for the thread: it is gone. (A 404 for a model that does not exist is the operator's fault.) */
function threadGone(error: unknown): boolean {
  return error instanceof ModelServiceError && error.status === 404 && error.code === 'model_service_error';
}
