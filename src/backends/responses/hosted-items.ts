import type { ResponseOutputItem } from 'openai/resources/responses/responses';
import type { BackendEvent } from '../backend.js';

/**
 * What the Responses API's hosted tools did, for the user: MCP calls and tool listings, web
 * searches, generated images. Undefined for items that are not theirs.
 */
export function hostedItemEvents(item: ResponseOutputItem): BackendEvent[] | undefined {
  switch (item.type) {
    case 'mcp_call':
      return [
        {
          type: 'tool',
          call: {
            kind: 'mcp_call',
            id: item.id,
            server: item.server_label,
            name: item.name,
            arguments: item.arguments,
            output: item.output ?? '',
            error: errorText(item.error),
          },
        },
      ];
    case 'mcp_list_tools':
      return [
        {
          type: 'tool',
          call: {
            kind: 'mcp_list_tools',
            id: item.id,
            server: item.server_label,
            tools: item.tools.map((tool) => tool.name),
            error: errorText(item.error),
          },
        },
      ];
    case 'web_search_call': {
      const { action } = item;
      const queries =
        action.type === 'search' ? (action.queries ?? (action.query ? [action.query] : [])) : [];
      return [
        {
          type: 'tool',
          call: {
            kind: 'web_search',
            id: item.id,
            action: action.type,
            queries,
            url: action.type === 'search' ? undefined : (action.url ?? undefined),
            pattern: action.type === 'find_in_page' ? action.pattern : undefined,
          },
        },
      ];
    }
    case 'image_generation_call':
      return imageEvents(item.id, item.result);
    default:
      return undefined;
  }
}

/** A generated image: its base64 bytes come in the item, so there is nothing to download. */
function imageEvents(id: string, result: string | null): BackendEvent[] {
  if (!result) return [];
  const bytes = Buffer.from(result, 'base64');
  const format = imageFormat(bytes);
  return [
    {
      type: 'file',
      kind: 'image',
      ref: {
        fileId: id,
        name: `image-${id.slice(-8)}.${format.extension}`,
        inline: { bytes: new Uint8Array(bytes), mimeType: format.mimeType },
      },
    },
  ];
}

/** PNG, JPEG or WebP (the formats the tool can make), told by their first bytes. */
function imageFormat(bytes: Uint8Array): { extension: string; mimeType: string } {
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
    return { extension: 'jpg', mimeType: 'image/jpeg' };
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return { extension: 'webp', mimeType: 'image/webp' };
  return { extension: 'png', mimeType: 'image/png' };
}

/**
 * An MCP failure as one line: the SDK types it as text, the API document as an object (a protocol
 * error or an HTTP error with a message, or a tool's own error content).
 */
function errorText(error: unknown): string | undefined {
  if (error === null || error === undefined) return undefined;
  if (typeof error === 'string') return error;
  const { message, content } = error as { message?: unknown; content?: unknown };
  if (typeof message === 'string') return message;
  return typeof content === 'string' ? content : JSON.stringify(content ?? error);
}
