import { classifyAttachment } from '../../core/attachments.js';
import { AttachmentError } from '../../core/errors.js';
import type { InboundFile } from '../../core/messages.js';
import type { AttachmentFacts } from './parse.js';

/** Discord's attachment hosts: the only places user files are fetched from. */
export const DISCORD_ATTACHMENT_ORIGINS = [
  'https://cdn.discordapp.com',
  'https://media.discordapp.net',
] as const satisfies readonly string[];

/** A download that has not finished in this long is abandoned. */
export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 30_000;

/** Where user files may come from and how large they may be. */
export interface AttachmentPolicy {
  /** Origins (`https://host[:port]`) files may come from. */
  origins: readonly string[];
  maxBytes: number;
  timeoutMs?: number;
}

/** What became of a message's attachments: the files to hand on, and a user-facing line per refusal. */
export interface DownloadResult {
  files: InboundFile[];
  refused: string[];
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
const tooBig = (name: string, size: string, maxBytes: number) =>
  new AttachmentError(`${name} is ${size}; the limit is ${mb(maxBytes)}.`);

/**
 * Downloads a message's attachments, one by one, under the policy: only from Discord's hosts, only
 * types the assistant can use (the orchestrator's rules), and never more than `maxBytes` read, whatever
 * size Discord or the server claims. A refused file becomes a line for the user, not an error.
 */
export async function downloadAttachments(
  attachments: readonly AttachmentFacts[],
  policy: AttachmentPolicy,
): Promise<DownloadResult> {
  const result: DownloadResult = { files: [], refused: [] };
  for (const attachment of attachments) {
    try {
      result.files.push(await downloadOne(attachment, policy));
    } catch (error) {
      if (!(error instanceof AttachmentError)) throw error;
      result.refused.push(error.message);
    }
  }
  return result;
}

async function downloadOne(attachment: AttachmentFacts, policy: AttachmentPolicy): Promise<InboundFile> {
  const { name } = attachment;
  const { maxBytes } = policy;
  const origin = URL.canParse(attachment.url) ? new URL(attachment.url).origin : '';
  if (!policy.origins.includes(origin)) {
    throw new AttachmentError(`${name} was not downloaded: it is not on Discord's file hosts.`);
  }
  // The type first (one byte stands in for the content): no download for a file that would be refused.
  const mimeType = attachment.contentType ?? 'application/octet-stream';
  classifyAttachment({ name, mimeType, bytes: new Uint8Array(1) }, Number.POSITIVE_INFINITY);
  if (attachment.size > maxBytes) throw tooBig(name, mb(attachment.size), maxBytes);

  let response: Response;
  try {
    // No redirects: a redirect could lead off Discord's hosts.
    response = await fetch(attachment.url, {
      redirect: 'error',
      signal: AbortSignal.timeout(policy.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS),
    });
  } catch (cause) {
    throw new AttachmentError(`${name} could not be downloaded.`, { cause });
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new AttachmentError(`${name} could not be downloaded (HTTP ${response.status}).`);
  }
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body.cancel();
    throw tooBig(name, mb(declared), maxBytes);
  }
  const bytes = await readCapped(response.body, maxBytes, name);
  const file: InboundFile = { name, mimeType, bytes };
  classifyAttachment(file, maxBytes);
  return file;
}

/** Reads a stream into memory, stopping (and cancelling it) as soon as it passes `maxBytes`. */
async function readCapped(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
  name: string,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        throw tooBig(name, `more than ${mb(maxBytes)}`, maxBytes);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof AttachmentError) throw error;
    throw new AttachmentError(`${name} could not be downloaded.`, { cause: error });
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
