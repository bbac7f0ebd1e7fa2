import { APIError } from 'openai';
import type { Message, Annotation as MessageAnnotation } from 'openai/resources/beta/threads/messages';
import type { Run } from 'openai/resources/beta/threads/runs/runs';
import type { RunStep } from 'openai/resources/beta/threads/runs/steps';
import type { Annotation } from '../../core/annotations.js';
import type { RunEnding, Usage } from '../../core/reply-events.js';
import type { BackendEvent, FunctionCall } from '../backend.js';
import { baseName } from '../shared/mime.js';

/** Looks up a file's name at the service (for citation labels); cached by the caller. */
export type FileNamer = (fileId: string) => Promise<string>;

/** The run's terminal status as a user-facing ending, or undefined while it is still going. */
export function runEnding(
  run: Pick<Run, 'status' | 'incomplete_details' | 'last_error'>,
): RunEnding | undefined {
  switch (run.status) {
    case 'completed':
      return { kind: 'completed' };
    case 'incomplete':
      return { kind: 'incomplete', reason: run.incomplete_details?.reason ?? 'unknown' };
    case 'failed':
      return {
        kind: 'failed',
        code: run.last_error?.code ?? 'unknown',
        message: run.last_error?.message ?? '',
      };
    case 'cancelled':
      return { kind: 'cancelled' };
    case 'expired':
      return { kind: 'expired' };
    default:
      return undefined;
  }
}

/** Token counts of a finished run (the Assistants API reports no reasoning tokens separately). */
export function runUsage(run: Pick<Run, 'usage'>): Usage | undefined {
  if (!run.usage) return undefined;
  return {
    inputTokens: run.usage.prompt_tokens,
    outputTokens: run.usage.completion_tokens,
    reasoningTokens: 0,
  };
}

async function mapAnnotation(annotation: MessageAnnotation, nameOf: FileNamer): Promise<Annotation> {
  if (annotation.type === 'file_citation') {
    const fileId = annotation.file_citation.file_id;
    return { text: annotation.text, citation: { label: await nameOf(fileId).catch(() => fileId) } };
  }
  return {
    text: annotation.text,
    file: { fileId: annotation.file_path.file_id, name: baseName(annotation.text) },
  };
}

/** A finished message's text parts and images as backend events. */
export async function messageEvents(message: Message, nameOf: FileNamer): Promise<BackendEvent[]> {
  const events: BackendEvent[] = [];
  for (const [index, part] of message.content.entries()) {
    if (part.type === 'text') {
      const annotations = await Promise.all(part.text.annotations.map((a) => mapAnnotation(a, nameOf)));
      events.push({
        type: 'text.done',
        itemId: partId(message.id, index),
        text: part.text.value,
        annotations,
      });
    } else if (part.type === 'image_file') {
      events.push({ type: 'file', kind: 'image', ref: { fileId: part.image_file.file_id } });
    } else if (part.type === 'refusal') {
      events.push({
        type: 'text.done',
        itemId: partId(message.id, index),
        text: part.refusal,
        annotations: [],
      });
    }
  }
  return events;
}

/** Text parts of one message are separate answer messages downstream; this names them stably. */
export function partId(messageId: string, index: number): string {
  return index === 0 ? messageId : `${messageId}#${index}`;
}

/** A finished tool-calls step as tool and file events (function calls are handled as required actions). */
export function stepEvents(step: RunStep): BackendEvent[] {
  if (step.step_details.type !== 'tool_calls') return [];
  const events: BackendEvent[] = [];
  for (const call of step.step_details.tool_calls) {
    if (call.type === 'code_interpreter') {
      const logs = call.code_interpreter.outputs
        .flatMap((o) => (o.type === 'logs' ? [o.logs] : []))
        .join('\n');
      events.push({
        type: 'tool',
        call: { kind: 'code_interpreter', id: call.id, code: call.code_interpreter.input, logs },
      });
      for (const output of call.code_interpreter.outputs) {
        if (output.type === 'image')
          events.push({ type: 'file', kind: 'image', ref: { fileId: output.image.file_id } });
      }
    } else if (call.type === 'file_search') {
      const results = call.file_search.results;
      events.push({
        type: 'tool',
        call: {
          kind: 'file_search',
          id: call.id,
          queries: [],
          resultCount: results ? results.length : undefined,
        },
      });
    }
  }
  return events;
}

/** The function calls a run waits for (its `requires_action`), as the orchestrator runs them. */
export function requiredCalls(run: Run): FunctionCall[] {
  const calls = run.required_action?.submit_tool_outputs.tool_calls ?? [];
  return calls.map((call) => ({
    callId: call.id,
    name: call.function.name,
    arguments: call.function.arguments,
  }));
}

/** A server that speaks the Assistants API but not its streaming variant answers these. */
export function streamingUnavailable(error: unknown): boolean {
  // A 404 from a server without streaming routes, not the service saying the model does not exist.
  if (!(error instanceof APIError) || error.code === 'model_not_found') return false;
  if (error.status === 400) return /stream/i.test(error.message) && !/active run/i.test(error.message);
  return error.status === 404 || error.status === 405 || error.status === 415 || error.status === 501;
}
