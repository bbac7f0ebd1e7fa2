import type { AssistantStreamEvent } from 'openai/resources/beta/assistants';
import type {
  Annotation,
  AnnotationDelta,
  Message,
  TextContentBlock,
} from 'openai/resources/beta/threads/messages';
import type { RunStep, ToolCallsStepDetails } from 'openai/resources/beta/threads/runs/steps';
import type { FileStore } from '../files/file-store.js';
import { newId, nowSeconds } from '../ids.js';
import { pause } from '../pause.js';
import {
  type CodeInterpreterStep,
  estimateTokens,
  type FileSearchStep,
  type GeneratedFile,
  type TextAnnotation,
  type TextStep,
} from '../script.js';
import { newMessage, newStep, stepUsage } from './objects.js';
import type { RunRecord, ThreadRecord } from './state.js';

/** What a step needs of the run it plays in. */
export interface RunScope {
  record: RunRecord;
  thread: ThreadRecord;
  files: FileStore;
  signal: AbortSignal;
  emit(event: AssistantStreamEvent['event'], data: unknown): void;
  /** Files made during the run, by name: a file_path annotation finds the CSV the code wrote. */
  generated: Map<string, string>;
  /** Images the code interpreter made, shown at the top of the next message. */
  pendingImages: string[];
  /** The message being written, so that cancel or expiry can mark it incomplete. */
  openMessage?: Message | undefined;
  outputTokens: number;
}

function startStep(scope: RunScope, details: RunStep['step_details']): RunStep {
  const step = newStep(scope.record.run, details);
  scope.record.steps.push(step);
  scope.emit('thread.run.step.created', step);
  scope.emit('thread.run.step.in_progress', step);
  return step;
}

function completeStep(scope: RunScope, step: RunStep, tokens: number): void {
  step.status = 'completed';
  step.completed_at = nowSeconds();
  step.usage = stepUsage(tokens);
  scope.emit('thread.run.step.completed', step);
}

function stepDelta(scope: RunScope, step: RunStep, toolCalls: unknown[]): void {
  scope.emit('thread.run.step.delta', {
    id: step.id,
    object: 'thread.run.step.delta',
    delta: { step_details: { type: 'tool_calls', tool_calls: toolCalls } },
  });
}

/** Stores a file the model made, once per name per run. Code-interpreter files live in /mnt/data. */
function storeGenerated(scope: RunScope, file: GeneratedFile, image: boolean): string {
  const known = scope.generated.get(file.name);
  if (known) return known;
  const { object } = scope.files.add({
    filename: image ? file.name : `/mnt/data/${file.name}`,
    bytes: file.bytes,
    purpose: 'assistants_output',
    mimeType: file.mimeType,
  });
  scope.generated.set(file.name, object.id);
  return object.id;
}

/** Starts an assistant message and its message_creation step. */
function openMessage(scope: RunScope): { message: Message; step: RunStep } {
  const message = newMessage({
    threadId: scope.thread.thread.id,
    role: 'assistant',
    content: [],
    run: scope.record.run,
  });
  const step = startStep(scope, { type: 'message_creation', message_creation: { message_id: message.id } });
  scope.thread.messages.push(message);
  scope.openMessage = message;
  scope.emit('thread.message.created', message);
  scope.emit('thread.message.in_progress', message);
  for (const fileId of scope.pendingImages.splice(0)) {
    const index = message.content.length;
    message.content.push({ type: 'image_file', image_file: { file_id: fileId } });
    messageDelta(scope, message, [{ index, type: 'image_file', image_file: { file_id: fileId } }]);
  }
  return { message, step };
}

function messageDelta(scope: RunScope, message: Message, content: unknown[]): void {
  scope.emit('thread.message.delta', { id: message.id, object: 'thread.message.delta', delta: { content } });
}

function closeMessage(
  scope: RunScope,
  message: Message,
  step: RunStep,
  incomplete: boolean,
  tokens: number,
): void {
  if (incomplete) {
    message.status = 'incomplete';
    message.incomplete_at = nowSeconds();
    message.incomplete_details = { reason: 'max_tokens' };
    scope.emit('thread.message.incomplete', message);
  } else {
    message.status = 'completed';
    message.completed_at = nowSeconds();
    scope.emit('thread.message.completed', message);
  }
  scope.openMessage = undefined;
  completeStep(scope, step, tokens);
}

/** The Assistants API has no URL citations: their text stays, unannotated. */
function fileAnnotations(step: TextStep): Exclude<TextAnnotation, { type: 'url_citation' }>[] {
  return (step.annotations ?? []).filter((a) => a.type !== 'url_citation');
}

/** Length in code points: the service counts characters as Python does, not UTF-16 units as JS does. */
const codePoints = (text: string): number => [...text].length;

/**
 * Finds each annotation's marker in order (repeated markers map to successive occurrences). Indexes
 * are in code points, so text with emoji before a marker puts it elsewhere than JS `slice` expects.
 */
function locateAnnotations(scope: RunScope, step: TextStep, full: string): Annotation[] {
  let from = 0;
  return fileAnnotations(step).map((annotation) => {
    const at = full.indexOf(annotation.text, from);
    from = at + annotation.text.length;
    const start = codePoints(full.slice(0, at));
    const end = start + codePoints(annotation.text);
    return annotation.type === 'file_citation'
      ? {
          type: 'file_citation',
          text: annotation.text,
          start_index: start,
          end_index: end,
          file_citation: { file_id: annotation.fileId },
        }
      : {
          type: 'file_path',
          text: annotation.text,
          start_index: start,
          end_index: end,
          file_path: { file_id: storeGenerated(scope, annotation.file, false) },
        };
  });
}

/** An answer message: images first, then the text streamed chunk by chunk with its annotations. */
export async function playText(scope: RunScope, step: TextStep, endsIncomplete: boolean): Promise<void> {
  const { message, step: runStep } = openMessage(scope);
  const full = step.chunks.join('');
  const annotations = locateAnnotations(scope, step, full);
  const quotes = fileAnnotations(step).map((a) => (a.type === 'file_citation' ? a.quote : undefined));
  const index = message.content.length;
  const part: TextContentBlock = { type: 'text', text: { value: '', annotations: [] } };
  message.content.push(part);
  for (const chunk of step.chunks) {
    await pause(step.delayMs ?? 0, scope.signal);
    part.text.value += chunk;
    const ready: AnnotationDelta[] = [];
    while (part.text.annotations.length < annotations.length) {
      const i = part.text.annotations.length;
      const annotation = annotations[i];
      if (!annotation || annotation.end_index > codePoints(part.text.value)) break;
      part.text.annotations.push(annotation);
      const quote = quotes[i];
      ready.push(
        annotation.type === 'file_citation'
          ? {
              ...annotation,
              index: i,
              file_citation: { ...annotation.file_citation, ...(quote !== undefined && { quote }) },
            }
          : { ...annotation, index: i },
      );
    }
    messageDelta(scope, message, [{ index, type: 'text', text: { value: chunk, annotations: ready } }]);
  }
  const tokens = estimateTokens(full);
  scope.outputTokens += tokens;
  closeMessage(scope, message, runStep, endsIncomplete, tokens);
}

/** Images with no text after them still reach the user, in a message of their own. */
export function flushImages(scope: RunScope): void {
  if (scope.pendingImages.length === 0) return;
  const { message, step } = openMessage(scope);
  closeMessage(scope, message, step, false, 0);
}

/** A code_interpreter tool call: the code streams in, then (after `delayMs`) its logs and images. */
export async function playCode(scope: RunScope, step: CodeInterpreterStep): Promise<void> {
  const details: ToolCallsStepDetails = { type: 'tool_calls', tool_calls: [] };
  const runStep = startStep(scope, details);
  const id = newId('call');
  stepDelta(scope, runStep, [
    { index: 0, id, type: 'code_interpreter', code_interpreter: { input: '', outputs: [] } },
  ]);
  const call = {
    id,
    type: 'code_interpreter' as const,
    code_interpreter: {
      input: '',
      outputs: [] as ({ type: 'logs'; logs: string } | { type: 'image'; image: { file_id: string } })[],
    },
  };
  details.tool_calls.push(call);
  for (const line of step.code.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
    call.code_interpreter.input += line;
    stepDelta(scope, runStep, [{ index: 0, type: 'code_interpreter', code_interpreter: { input: line } }]);
  }
  await pause(step.delayMs ?? 0, scope.signal);
  const outputs: unknown[] = [];
  if (step.logs !== undefined) {
    outputs.push({ index: call.code_interpreter.outputs.length, type: 'logs', logs: step.logs });
    call.code_interpreter.outputs.push({ type: 'logs', logs: step.logs });
  }
  for (const image of step.images ?? []) {
    const fileId = storeGenerated(scope, image, true);
    outputs.push({ index: call.code_interpreter.outputs.length, type: 'image', image: { file_id: fileId } });
    call.code_interpreter.outputs.push({ type: 'image', image: { file_id: fileId } });
    if (step.cite !== false) scope.pendingImages.push(fileId);
  }
  for (const file of step.files ?? []) storeGenerated(scope, file, false);
  if (outputs.length > 0)
    stepDelta(scope, runStep, [{ index: 0, type: 'code_interpreter', code_interpreter: { outputs } }]);
  const tokens = estimateTokens(step.code);
  scope.outputTokens += tokens;
  completeStep(scope, runStep, tokens);
}

/** A file_search tool call and its ranked results. */
export async function playFileSearch(scope: RunScope, step: FileSearchStep): Promise<void> {
  const details: ToolCallsStepDetails = { type: 'tool_calls', tool_calls: [] };
  const runStep = startStep(scope, details);
  const id = newId('call');
  stepDelta(scope, runStep, [{ index: 0, id, type: 'file_search', file_search: {} }]);
  await pause(0, scope.signal);
  details.tool_calls.push({
    id,
    type: 'file_search',
    file_search: {
      ranking_options: { ranker: 'default_2024_08_21', score_threshold: 0 },
      results: step.results.map((r) => ({
        file_id: r.fileId,
        file_name: r.fileName,
        score: r.score,
        ...(r.text !== undefined && { content: [{ type: 'text' as const, text: r.text }] }),
      })),
    },
  });
  completeStep(scope, runStep, estimateTokens(step.queries.join(' ')));
}
