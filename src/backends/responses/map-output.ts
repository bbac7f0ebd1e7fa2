import type { Response, ResponseOutputItem, ResponseOutputText } from 'openai/resources/responses/responses';
import type { Annotation, FileRef } from '../../core/annotations.js';
import type { RunEnding, Usage } from '../../core/reply-events.js';
import type { BackendEvent, FunctionCall, McpApprovalRequest } from '../backend.js';
import { hostedItemEvents } from './hosted-items.js';

/**
 * The service counts annotation positions in code points (it is written in Python); JavaScript
 * strings count UTF-16 units. Everything here converts, so an emoji before a citation is harmless.
 */
function codePoints(text: string): string[] {
  return Array.from(text);
}

/**
 * Makes a Responses API text part look like every other backend's: each annotation names the exact
 * span it covers. `file_citation` and `file_path` only give a position, so a marker is placed there
 * (`【n†file】`, the Assistants API's own shape) for the orchestrator to number.
 */
export function normalizeText(part: ResponseOutputText): { text: string; annotations: Annotation[] } {
  const chars = codePoints(part.text);
  const inserts: { at: number; marker: string }[] = [];
  const annotations: Annotation[] = [];
  part.annotations.forEach((annotation, n) => {
    switch (annotation.type) {
      case 'file_citation': {
        const marker = `【${n}†${annotation.filename}】`;
        inserts.push({ at: Math.min(annotation.index, chars.length), marker });
        annotations.push({ text: marker, citation: { label: annotation.filename } });
        break;
      }
      case 'url_citation':
        annotations.push({
          text: chars.slice(annotation.start_index, annotation.end_index).join(''),
          citation: { label: annotation.title || annotation.url, url: annotation.url },
        });
        break;
      case 'container_file_citation':
        annotations.push({
          text: chars.slice(annotation.start_index, annotation.end_index).join(''),
          file: {
            fileId: annotation.file_id,
            containerId: annotation.container_id,
            name: annotation.filename,
          },
        });
        break;
      case 'file_path': {
        const marker = `【${n}†file】`;
        inserts.push({ at: Math.min(annotation.index, chars.length), marker });
        annotations.push({ text: marker, file: { fileId: annotation.file_id } });
        break;
      }
    }
  });
  // Insert from the end so that earlier positions stay valid.
  for (const insert of inserts.sort((a, b) => b.at - a.at)) chars.splice(insert.at, 0, insert.marker);
  return { text: chars.join(''), annotations };
}

/** What a finished output item means for the user; function calls are collected by the caller. */
export function itemEvents(item: ResponseOutputItem): BackendEvent[] {
  const hosted = hostedItemEvents(item);
  if (hosted) return hosted;
  switch (item.type) {
    case 'message':
      return item.content.map((part, index): BackendEvent => {
        const itemId = index === 0 ? item.id : `${item.id}#${index}`;
        if (part.type === 'refusal')
          return { type: 'text.done', itemId, text: part.refusal, annotations: [] };
        return { type: 'text.done', itemId, ...normalizeText(part) };
      });
    case 'code_interpreter_call': {
      const logs = (item.outputs ?? []).flatMap((o) => (o.type === 'logs' ? [o.logs] : [])).join('\n');
      return [{ type: 'tool', call: { kind: 'code_interpreter', id: item.id, code: item.code ?? '', logs } }];
    }
    case 'file_search_call':
      return [
        {
          type: 'tool',
          call: {
            kind: 'file_search',
            id: item.id,
            queries: item.queries,
            resultCount: item.results?.length,
          },
        },
      ];
    default:
      return [];
  }
}

/** The function calls a finished response asks for. */
export function functionCallsOf(response: Pick<Response, 'output'>): FunctionCall[] {
  return response.output.flatMap((item) =>
    item.type === 'function_call'
      ? [{ callId: item.call_id, name: item.name, arguments: item.arguments }]
      : [],
  );
}

/** The MCP calls a finished response holds until a person approves them (`mcp_approval_request` items). */
export function mcpApprovalRequestsOf(response: Pick<Response, 'output'>): McpApprovalRequest[] {
  return response.output.flatMap((item) =>
    item.type === 'mcp_approval_request'
      ? [{ id: item.id, serverLabel: item.server_label, name: item.name, arguments: item.arguments }]
      : [],
  );
}

/** The containers the code interpreter used in this response (files it wrote live there). */
export function containersOf(response: Pick<Response, 'output'>): string[] {
  return response.output.flatMap((item) =>
    item.type === 'code_interpreter_call' ? [item.container_id] : [],
  );
}

/** Files the answer text already cites, so the container sweep does not deliver them twice. */
export function citedFiles(response: Pick<Response, 'output'>): FileRef[] {
  return response.output.flatMap((item) =>
    item.type === 'message'
      ? item.content.flatMap((part) =>
          part.type === 'output_text'
            ? part.annotations.flatMap((a) =>
                a.type === 'container_file_citation'
                  ? [{ fileId: a.file_id, containerId: a.container_id, name: a.filename }]
                  : [],
              )
            : [],
        )
      : [],
  );
}

/** The response's terminal status as an ending; undefined while it is still going. */
export function responseEnding(
  response: Pick<Response, 'status' | 'incomplete_details' | 'error'>,
): RunEnding | undefined {
  switch (response.status) {
    case 'completed':
      return { kind: 'completed' };
    case 'incomplete':
      return { kind: 'incomplete', reason: response.incomplete_details?.reason ?? 'unknown' };
    case 'failed':
      return {
        kind: 'failed',
        code: response.error?.code ?? 'unknown',
        message: response.error?.message ?? '',
      };
    case 'cancelled':
      return { kind: 'cancelled' };
    default:
      return undefined;
  }
}

/** Token counts of one response. */
export function responseUsage(response: Pick<Response, 'usage'>): Usage {
  return {
    inputTokens: response.usage?.input_tokens ?? 0,
    outputTokens: response.usage?.output_tokens ?? 0,
    reasoningTokens: response.usage?.output_tokens_details?.reasoning_tokens ?? 0,
  };
}
