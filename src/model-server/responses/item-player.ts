import type { FileStore } from '../files/file-store.js';
import { newHexId, newId } from '../ids.js';
import { pause } from '../pause.js';
import {
  argumentsText,
  type CodeInterpreterStep,
  estimateTokens,
  type FileSearchStep,
  type FunctionCallsStep,
  type GeneratedFile,
  type McpApprovalRequestsStep,
  type TextStep,
} from '../script.js';
import type { ContainerFile, ContainerRecord, ContainerStore } from './containers.js';
import type { ResponseRecord } from './state.js';
import { codePoints, layoutText, type PlacedAnnotation } from './text-layout.js';
import {
  type CodeInterpreterCallItem,
  type CodeOutput,
  type EventBody,
  type FileSearchCallItem,
  type FunctionCallItem,
  type McpApprovalRequestItem,
  type OutputAnnotation,
  type OutputItem,
  type OutputMessageItem,
  type OutputText,
  presentItem,
} from './wire.js';

/** What an output item needs of the response it plays in. */
export interface PlayScope {
  record: ResponseRecord;
  files: FileStore;
  containers: ContainerStore;
  signal: AbortSignal;
  /** The response's code-interpreter container, created on first use. */
  container(): ContainerRecord;
  /** `http://127.0.0.1:<port>/v1`, for the URLs of image outputs. */
  baseUrl(): string;
  emit(event: EventBody): void;
  /** Container files the code wrote, by name: a `filePath` annotation finds the CSV the code wrote. */
  generated: Map<string, ContainerFile>;
  /** Images to cite in the next answer text (the Responses form of "shown in the next message"). */
  pendingCitations: ContainerFile[];
  /** File names seen in search results, for citations of files the store does not hold. */
  searchNames: Map<string, string>;
  outputTokens: number;
}

/** Appends an item to the response output and announces it; returns its output_index. */
function addItem(scope: PlayScope, item: OutputItem): number {
  const output_index = scope.record.response.output.length;
  scope.record.response.output.push(item);
  scope.emit({
    type: 'response.output_item.added',
    output_index,
    item: presentItem(item, scope.record.include),
  });
  return output_index;
}

function doneItem(scope: PlayScope, output_index: number, item: OutputItem): void {
  scope.emit({
    type: 'response.output_item.done',
    output_index,
    item: presentItem(item, scope.record.include),
  });
}

/** Writes a file the model made into the container, once per name per response. */
function writeGenerated(scope: PlayScope, file: GeneratedFile): ContainerFile {
  const known = scope.generated.get(file.name);
  if (known) return known;
  const written = scope.containers.write(scope.container(), {
    name: file.name,
    bytes: file.bytes,
    mimeType: file.mimeType,
    source: 'assistant',
  });
  scope.generated.set(file.name, written);
  return written;
}

const baseName = (path: string): string => path.split('/').at(-1) ?? path;

function citeContainerFile(file: ContainerFile, start: number, end: number): OutputAnnotation {
  const { container_id, id, path } = file.object;
  return {
    type: 'container_file_citation',
    container_id,
    file_id: id,
    filename: baseName(path),
    start_index: start,
    end_index: end,
  };
}

/** A script annotation as the client sees it, placed in the text it sees. */
function toOutput(scope: PlayScope, { annotation: a, start, end }: PlacedAnnotation): OutputAnnotation {
  if (a.type === 'url_citation') {
    return { type: 'url_citation', url: a.url, title: a.title, start_index: start, end_index: end };
  }
  if (a.type === 'file_path') return citeContainerFile(writeGenerated(scope, a.file), start, end);
  // The name of a cited file: from the store, else as the search that found it named it.
  const filename = scope.files.get(a.fileId)?.object.filename ?? scope.searchNames.get(a.fileId) ?? a.fileId;
  return { type: 'file_citation', file_id: a.fileId, filename, index: start };
}

/** The answer's annotations, in order, with the text length at which each is complete. */
function annotationsFor(
  scope: PlayScope,
  step: TextStep,
): { text: string; chunks: string[]; ready: { at: number; value: OutputAnnotation }[] } {
  const layout = layoutText(step);
  const ready = layout.placed.map((placed) => ({ at: placed.end, value: toOutput(scope, placed) }));
  // Images the code made and the text does not link to are cited at the end, as points.
  const linked = new Set(
    ready.map((r) => (r.value.type === 'container_file_citation' ? r.value.file_id : '')),
  );
  const length = codePoints(layout.text);
  for (const image of scope.pendingCitations.splice(0)) {
    if (!linked.has(image.object.id))
      ready.push({ at: length, value: citeContainerFile(image, length, length) });
  }
  return { text: layout.text, chunks: layout.chunks, ready };
}

/** An answer message: one output_text part streamed in deltas, annotations as their text arrives. */
export async function playText(scope: PlayScope, step: TextStep, endsIncomplete: boolean): Promise<void> {
  const { text, chunks, ready } = annotationsFor(scope, step);
  const item: OutputMessageItem = {
    id: newHexId('msg'),
    type: 'message',
    status: 'in_progress',
    content: [],
    role: 'assistant',
  };
  const output_index = addItem(scope, item);
  const part: OutputText = { type: 'output_text', annotations: [], logprobs: [], text: '' };
  item.content.push(part);
  const at = { item_id: item.id, output_index, content_index: 0 };
  scope.emit({ type: 'response.content_part.added', ...at, part });
  for (const chunk of chunks) {
    await pause(step.delayMs ?? 0, scope.signal);
    part.text += chunk;
    // An answer of citations alone (images, see flushCitations) has no text to stream.
    if (chunk !== '') scope.emit({ type: 'response.output_text.delta', ...at, delta: chunk, logprobs: [] });
    while (part.annotations.length < ready.length) {
      const next = ready[part.annotations.length];
      if (!next || next.at > codePoints(part.text)) break;
      part.annotations.push(next.value);
      const annotation_index = part.annotations.length - 1;
      scope.emit({
        type: 'response.output_text.annotation.added',
        ...at,
        annotation_index,
        annotation: next.value,
      });
    }
  }
  scope.emit({ type: 'response.output_text.done', ...at, text, logprobs: [] });
  scope.emit({ type: 'response.content_part.done', ...at, part });
  item.status = endsIncomplete ? 'incomplete' : 'completed';
  doneItem(scope, output_index, item);
  scope.outputTokens += estimateTokens(text);
}

/** Images with no text after them still reach the user, in an answer of their own. */
export async function flushCitations(scope: PlayScope): Promise<void> {
  if (scope.pendingCitations.length > 0) await playText(scope, { type: 'text', chunks: [''] }, false);
}

/** A code_interpreter_call: the code streams in, runs (`delayMs`), and its files land in the container. */
export async function playCode(scope: PlayScope, step: CodeInterpreterStep): Promise<void> {
  const container = scope.container();
  const item: CodeInterpreterCallItem = {
    id: newHexId('ci'),
    type: 'code_interpreter_call',
    status: 'in_progress',
    container_id: container.id,
    code: '',
    outputs: null,
  };
  const output_index = addItem(scope, item);
  const at = { output_index, item_id: item.id };
  scope.emit({ type: 'response.code_interpreter_call.in_progress', ...at });
  for (const line of step.code.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
    item.code += line;
    scope.emit({ type: 'response.code_interpreter_call_code.delta', ...at, delta: line });
  }
  scope.emit({ type: 'response.code_interpreter_call_code.done', ...at, code: step.code });
  item.status = 'interpreting';
  scope.emit({ type: 'response.code_interpreter_call.interpreting', ...at });
  await pause(step.delayMs ?? 0, scope.signal);
  const outputs: CodeOutput[] = [];
  if (step.logs !== undefined) outputs.push({ type: 'logs', logs: step.logs });
  for (const image of step.images ?? []) {
    const file = writeGenerated(scope, image);
    const { container_id, id } = file.object;
    outputs.push({ type: 'image', url: `${scope.baseUrl()}/containers/${container_id}/files/${id}/content` });
    if (step.cite !== false) scope.pendingCitations.push(file);
  }
  for (const file of step.files ?? []) writeGenerated(scope, file);
  item.outputs = outputs;
  item.status = 'completed';
  scope.emit({ type: 'response.code_interpreter_call.completed', ...at });
  doneItem(scope, output_index, item);
  scope.outputTokens += estimateTokens(step.code);
}

/** A file_search_call and its ranked results (their text only for clients that include it). */
export async function playFileSearch(scope: PlayScope, step: FileSearchStep): Promise<void> {
  const item: FileSearchCallItem = {
    id: newHexId('fs'),
    type: 'file_search_call',
    status: 'in_progress',
    queries: [],
    results: null,
  };
  const output_index = addItem(scope, item);
  const at = { output_index, item_id: item.id };
  scope.emit({ type: 'response.file_search_call.in_progress', ...at });
  item.status = 'searching';
  scope.emit({ type: 'response.file_search_call.searching', ...at });
  await pause(0, scope.signal);
  item.queries = [...step.queries];
  item.results = step.results.map((r) => {
    scope.searchNames.set(r.fileId, r.fileName);
    return {
      file_id: r.fileId,
      filename: r.fileName,
      score: r.score,
      attributes: {},
      ...(r.text !== undefined && { text: r.text }),
    };
  });
  item.status = 'completed';
  scope.emit({ type: 'response.file_search_call.completed', ...at });
  doneItem(scope, output_index, item);
}

/** Function calls: each an item whose arguments stream in; the response then ends, waiting for outputs. */
/** MCP calls held for approval: each an `mcp_approval_request` item, added and done at once. */
export function playMcpApprovalRequests(
  scope: PlayScope,
  step: McpApprovalRequestsStep,
): McpApprovalRequestItem[] {
  return step.requests.map((spec) => {
    const item: McpApprovalRequestItem = {
      id: spec.id ?? newHexId('mcpr'),
      type: 'mcp_approval_request',
      server_label: spec.serverLabel,
      name: spec.name,
      arguments: typeof spec.arguments === 'string' ? spec.arguments : JSON.stringify(spec.arguments),
    };
    const output_index = addItem(scope, item);
    doneItem(scope, output_index, item);
    scope.outputTokens += estimateTokens(item.arguments);
    return item;
  });
}

export function playFunctionCalls(scope: PlayScope, step: FunctionCallsStep): FunctionCallItem[] {
  return step.calls.map((spec) => {
    const args = argumentsText(spec);
    const item: FunctionCallItem = {
      id: newHexId('fc'),
      type: 'function_call',
      status: 'in_progress',
      arguments: '',
      call_id: spec.callId ?? newId('call'),
      name: spec.name,
    };
    const output_index = addItem(scope, item);
    for (const delta of args.match(/[\s\S]{1,16}/g) ?? []) {
      item.arguments += delta;
      scope.emit({ type: 'response.function_call_arguments.delta', item_id: item.id, output_index, delta });
    }
    scope.emit({
      type: 'response.function_call_arguments.done',
      item_id: item.id,
      output_index,
      name: item.name,
      arguments: args,
    });
    item.status = 'completed';
    doneItem(scope, output_index, item);
    scope.outputTokens += estimateTokens(args);
    return item;
  });
}
