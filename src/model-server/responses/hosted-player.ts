import { newHexId } from '../ids.js';
import { pause } from '../pause.js';
import {
  type DeclaredTool,
  estimateTokens,
  type ImageGenerationStep,
  type McpCallStep,
  type WebSearchStep,
} from '../script.js';
import type { PlayScope } from './item-player.js';
import {
  type ImageGenerationCallItem,
  type McpCallItem,
  type McpListToolsItem,
  type OutputItem,
  presentItem,
  type WebSearchCallItem,
} from './wire.js';

/**
 * The Responses API's hosted tools as the service plays them: MCP calls (with the server's tool
 * listing first), web searches and image generation. A script may only use a tool the request
 * declared, as the model can only call those.
 */

/** What the hosted tools need to know of the request beyond the item scope. */
export interface HostedScope extends PlayScope {
  /** The tools the request declared. */
  tools: readonly DeclaredTool[];
  /** MCP servers whose tools the conversation has already listed (`mcp_list_tools` items). */
  listedServers: Set<string>;
}

function add(scope: PlayScope, item: OutputItem): number {
  const output_index = scope.record.response.output.length;
  scope.record.response.output.push(item);
  scope.emit({
    type: 'response.output_item.added',
    output_index,
    item: presentItem(item, scope.record.include),
  });
  return output_index;
}

function done(scope: PlayScope, output_index: number, item: OutputItem): void {
  scope.emit({
    type: 'response.output_item.done',
    output_index,
    item: presentItem(item, scope.record.include),
  });
}

/** The request's declaration of the tool a step uses; throws (failing the response) without one. */
function declared<T extends DeclaredTool['type']>(
  scope: HostedScope,
  type: T,
  what: string,
  match: (tool: Extract<DeclaredTool, { type: T }>) => boolean = () => true,
): Extract<DeclaredTool, { type: T }> {
  const tool = scope.tools.find(
    (t): t is Extract<DeclaredTool, { type: T }> =>
      t.type === type && match(t as Extract<DeclaredTool, { type: T }>),
  );
  if (!tool) throw new Error(`fake script: ${what}, but the request declared no such tool`);
  return tool;
}

/** Lists the server's tools (once per conversation), then calls one of them. */
export async function playMcpCall(scope: HostedScope, step: McpCallStep): Promise<void> {
  declared(scope, 'mcp', `an MCP call to ${step.serverLabel}`, (t) => t.serverLabel === step.serverLabel);
  if (!scope.listedServers.has(step.serverLabel)) {
    scope.listedServers.add(step.serverLabel);
    const listing: McpListToolsItem = {
      id: newHexId('mcpl'),
      type: 'mcp_list_tools',
      server_label: step.serverLabel,
      tools: (step.tools ?? [step.name]).map((name) => ({
        name,
        input_schema: { type: 'object', properties: {} },
        description: null,
        annotations: null,
      })),
      error: null,
    };
    const index = add(scope, listing);
    scope.emit({ type: 'response.mcp_list_tools.in_progress', output_index: index, item_id: listing.id });
    scope.emit({ type: 'response.mcp_list_tools.completed', output_index: index, item_id: listing.id });
    done(scope, index, listing);
  }
  const args = typeof step.arguments === 'string' ? step.arguments : JSON.stringify(step.arguments);
  const item: McpCallItem = {
    id: newHexId('mcp'),
    type: 'mcp_call',
    server_label: step.serverLabel,
    name: step.name,
    arguments: '',
    output: null,
    error: null,
    status: 'in_progress',
    approval_request_id: null,
  };
  const output_index = add(scope, item);
  const at = { output_index, item_id: item.id };
  scope.emit({ type: 'response.mcp_call.in_progress', ...at });
  for (const delta of args.match(/[\s\S]{1,16}/g) ?? []) {
    item.arguments += delta;
    scope.emit({ type: 'response.mcp_call_arguments.delta', ...at, delta });
  }
  scope.emit({ type: 'response.mcp_call_arguments.done', ...at, arguments: args });
  item.status = 'calling';
  await pause(0, scope.signal);
  if (step.error === undefined) {
    item.output = step.output ?? '';
    item.status = 'completed';
    scope.emit({ type: 'response.mcp_call.completed', ...at });
  } else {
    item.error = { type: 'mcp_protocol_error', code: -32603, message: step.error };
    item.status = 'failed';
    scope.emit({ type: 'response.mcp_call.failed', ...at });
  }
  done(scope, output_index, item);
  scope.outputTokens += estimateTokens(args);
}

export async function playWebSearch(scope: HostedScope, step: WebSearchStep): Promise<void> {
  declared(scope, 'web_search', 'a web search');
  const item: WebSearchCallItem = {
    id: newHexId('ws'),
    type: 'web_search_call',
    status: 'in_progress',
    action: { type: 'search', query: step.queries[0] ?? '', queries: [...step.queries] },
  };
  const output_index = add(scope, item);
  const at = { output_index, item_id: item.id };
  scope.emit({ type: 'response.web_search_call.in_progress', ...at });
  item.status = 'searching';
  scope.emit({ type: 'response.web_search_call.searching', ...at });
  await pause(0, scope.signal);
  if (step.sources) item.action.sources = step.sources.map((url) => ({ type: 'url', url }));
  item.status = 'completed';
  scope.emit({ type: 'response.web_search_call.completed', ...at });
  done(scope, output_index, item);
}

/** Renders (`delayMs`), streams `partial_images` drafts, then delivers the image as base64. */
export async function playImageGeneration(scope: HostedScope, step: ImageGenerationStep): Promise<void> {
  const tool = declared(scope, 'image_generation', 'an image generation');
  const item: ImageGenerationCallItem = {
    id: newHexId('ig'),
    type: 'image_generation_call',
    status: 'in_progress',
    result: null,
  };
  const output_index = add(scope, item);
  const at = { output_index, item_id: item.id };
  scope.emit({ type: 'response.image_generation_call.in_progress', ...at });
  item.status = 'generating';
  scope.emit({ type: 'response.image_generation_call.generating', ...at });
  await pause(step.delayMs ?? 0, scope.signal);
  for (let n = 0; n < tool.partialImages; n++) {
    const draft = step.drafts?.[n] ?? step.image;
    scope.emit({
      type: 'response.image_generation_call.partial_image',
      ...at,
      partial_image_index: n,
      partial_image_b64: Buffer.from(draft.bytes).toString('base64'),
    });
    await pause(0, scope.signal);
  }
  item.result = Buffer.from(step.image.bytes).toString('base64');
  item.status = 'completed';
  scope.emit({ type: 'response.image_generation_call.completed', ...at });
  done(scope, output_index, item);
}
