import type { AssistantTool } from 'openai/resources/beta/assistants';
import type { Message, MessageContent } from 'openai/resources/beta/threads/messages';
import type { Run } from 'openai/resources/beta/threads/runs/runs';
import type { RunStep } from 'openai/resources/beta/threads/runs/steps';
import { newId, nowSeconds } from '../ids.js';
import type { DeclaredTool } from '../script.js';

/** Wire objects as the service creates them: every field present, nulls where the service sends null. */

export function newMessage(input: {
  threadId: string;
  role: Message['role'];
  content: MessageContent[];
  attachments?: Message['attachments'];
  metadata?: Message['metadata'];
  run?: Run;
}): Message {
  return {
    id: newId('msg'),
    object: 'thread.message',
    created_at: nowSeconds(),
    thread_id: input.threadId,
    role: input.role,
    content: input.content,
    // A user message is complete when created; an assistant message of a run is written over time.
    status: input.run ? 'in_progress' : 'completed',
    incomplete_details: null,
    completed_at: input.run ? null : nowSeconds(),
    incomplete_at: null,
    assistant_id: input.run?.assistant_id ?? null,
    run_id: input.run?.id ?? null,
    attachments: input.attachments ?? [],
    metadata: input.metadata ?? {},
  };
}

export function newStep(run: Run, details: RunStep['step_details']): RunStep {
  return {
    id: newId('step'),
    object: 'thread.run.step',
    created_at: nowSeconds(),
    run_id: run.id,
    assistant_id: run.assistant_id,
    thread_id: run.thread_id,
    type: details.type,
    status: 'in_progress',
    cancelled_at: null,
    completed_at: null,
    expired_at: null,
    failed_at: null,
    last_error: null,
    step_details: details,
    usage: null,
    metadata: {},
  };
}

/** The plain text of a message (its text parts, joined). */
export function messageText(message: Message): string {
  return message.content
    .map((part) => (part.type === 'text' ? part.text.value : ''))
    .filter(Boolean)
    .join('\n');
}

/** Tools as the script sees them, whatever the API. */
export function declaredTools(tools: readonly AssistantTool[]): DeclaredTool[] {
  return tools.map((tool) =>
    tool.type === 'function' ? { type: 'function', name: tool.function.name } : { type: tool.type },
  );
}

/** Step usage: the service reports tokens per step once the step is done. */
export function stepUsage(completion: number, prompt = 0): NonNullable<RunStep['usage']> {
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

const TERMINAL_STEP = new Set<RunStep['status']>(['completed', 'cancelled', 'failed', 'expired']);

/** Marks an unfinished step as ended the way its run ended. */
export function endStep(step: RunStep, status: 'cancelled' | 'failed' | 'expired', message = ''): boolean {
  if (TERMINAL_STEP.has(step.status)) return false;
  step.status = status;
  const now = nowSeconds();
  if (status === 'cancelled') step.cancelled_at = now;
  if (status === 'expired') step.expired_at = now;
  if (status === 'failed') {
    step.failed_at = now;
    step.last_error = { code: 'server_error', message };
  }
  return true;
}

/** What a step looks like to a client that did or did not ask for file search result content. */
export function presentStep(step: RunStep, include: readonly string[]): RunStep {
  const copy = structuredClone(step);
  if (include.includes('step_details.tool_calls[*].file_search.results[*].content')) return copy;
  if (copy.step_details.type === 'tool_calls') {
    for (const call of copy.step_details.tool_calls) {
      if (call.type !== 'file_search') continue;
      for (const result of call.file_search.results ?? []) delete result.content;
    }
  }
  return copy;
}
