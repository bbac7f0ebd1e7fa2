import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import type { BackendEvent } from '../backend.js';

/**
 * What a stream event shows while the response goes on: answer text as it streams, and a status
 * line while a hosted tool works. Undefined for events that show nothing by themselves.
 */
export function progressOf(event: ResponseStreamEvent): BackendEvent | undefined {
  switch (event.type) {
    case 'response.output_text.delta':
      return {
        type: 'text.delta',
        itemId: event.content_index === 0 ? event.item_id : `${event.item_id}#${event.content_index}`,
        delta: event.delta,
      };
    case 'response.code_interpreter_call.in_progress':
      return status('Running code…');
    case 'response.file_search_call.in_progress':
      return status('Searching files…');
    case 'response.web_search_call.in_progress':
      return status('Searching the web…');
    case 'response.image_generation_call.in_progress':
      return status('Generating an image…');
    case 'response.image_generation_call.partial_image':
      // The drafts themselves are not posted (the final image follows in seconds); that one came is
      // what tells the user the image is getting there.
      return status(`Generating an image… (draft ${event.partial_image_index + 1} ready)`);
    case 'response.output_item.added':
      if (event.item.type === 'mcp_call')
        return status(`Calling ${event.item.name} on ${event.item.server_label}…`);
      if (event.item.type === 'mcp_list_tools')
        return status(`Listing the tools of ${event.item.server_label}…`);
      return undefined;
    default:
      return undefined;
  }
}

const status = (text: string): BackendEvent => ({ type: 'status', text });
