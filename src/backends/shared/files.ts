import type OpenAI from 'openai';
import { toFile } from 'openai';
import type { InboundFile } from '../../core/messages.js';
import type { OutboundFile } from '../../core/reply-events.js';
import { mimeTypeOf } from './mime.js';
import { callApi } from './openai-client.js';

/** Uploads a user's file to `/files`; resolves to the service's file id. */
export async function uploadUserFile(
  client: OpenAI,
  file: InboundFile,
  purpose: 'vision' | 'assistants' | 'user_data',
): Promise<string> {
  const uploaded = await callApi('upload file', async () =>
    client.files.create({ file: await toFile(file.bytes, file.name, { type: file.mimeType }), purpose }),
  );
  return uploaded.id;
}

/**
 * A downloaded file's bytes as an outbound file. The service's content type wins unless it is the
 * generic one; then the name decides (a chart saved as `chart.png` is an image either way).
 */
export async function toOutboundFile(response: Response, name: string): Promise<OutboundFile> {
  const bytes = new Uint8Array(await response.arrayBuffer());
  const header = response.headers.get('content-type')?.split(';')[0]?.trim();
  const mimeType = header && header !== 'application/octet-stream' ? header : mimeTypeOf(name);
  return { kind: mimeType.startsWith('image/') ? 'image' : 'file', name, mimeType, bytes };
}
