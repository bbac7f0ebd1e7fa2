import { classifyAttachment } from '../../core/attachments.js';
import { AttachmentError } from '../../core/errors.js';
import type { InboundFile } from '../../core/messages.js';
import type { SlackFile } from './parse.js';

/** Where Slack serves shared files from; the bot token is sent to these hosts and no others. */
export const DEFAULT_SLACK_FILE_HOSTS = ['files.slack.com'] as const satisfies readonly string[];

/** File modes whose bytes Slack hosts (others are external links, tombstones or hidden by plan limits). */
const READABLE_MODES = new Set(['hosted', 'snippet']);

/** Redirects followed within the file hosts before a download is given up. */
const MAX_REDIRECTS = 3;

/** How shared files are fetched. */
export interface DownloadOptions {
  botToken: string;
  /** `host` or `host:port` values (as `URL.host` spells them). */
  fileHosts: readonly string[];
  maxBytes: number;
  fetch?: typeof fetch;
}

/** What became of a message's files: those to send to the assistant, and why others were left out. */
export interface DownloadResult {
  files: InboundFile[];
  refused: string[];
}

/**
 * Downloads the files shared with a message: checked by name and size before any byte is fetched
 * (the same rules the orchestrator applies), fetched with the bot token only from Slack's file hosts,
 * never following a redirect to any other host, and cut off once past the size limit.
 */
export async function downloadFiles(
  files: readonly SlackFile[],
  options: DownloadOptions,
): Promise<DownloadResult> {
  const result: DownloadResult = { files: [], refused: [] };
  for (const file of files) {
    try {
      result.files.push(await downloadFile(file, options));
    } catch (error) {
      if (!(error instanceof AttachmentError)) throw error;
      result.refused.push(error.message);
    }
  }
  return result;
}

async function downloadFile(file: SlackFile, options: DownloadOptions): Promise<InboundFile> {
  const name = file.name ?? file.title ?? file.id;
  const mimeType = file.mimetype ?? 'application/octet-stream';
  // Type and declared size first: a refused file is never fetched.
  classifyAttachment({ name, mimeType, bytes: new Uint8Array(1) }, options.maxBytes);
  if (file.size !== undefined)
    classifyAttachment({ name, mimeType, bytes: sized(file.size) }, options.maxBytes);
  const source = file.url_private_download ?? file.url_private;
  if (source === undefined || (file.mode !== undefined && !READABLE_MODES.has(file.mode))) {
    throw new AttachmentError(`${name} is not stored on Slack, so it cannot be read.`);
  }
  const bytes = await fetchCapped(source, name, options);
  const inbound = { name, mimeType, bytes };
  classifyAttachment(inbound, options.maxBytes);
  return inbound;
}

/** A stand-in of the declared size for the size check (no memory is allocated for it). */
function sized(size: number): Uint8Array {
  return { byteLength: size } as Uint8Array;
}

async function fetchCapped(source: string, name: string, options: DownloadOptions): Promise<Uint8Array> {
  const doFetch = options.fetch ?? fetch;
  let url = new URL(source);
  for (let hop = 0; ; hop++) {
    if (!options.fileHosts.includes(url.host)) {
      throw new AttachmentError(`${name} is not served by Slack's file host, so it was not downloaded.`);
    }
    const response = await doFetch(url, {
      headers: { authorization: `Bearer ${options.botToken}` },
      redirect: 'manual',
    }).catch((cause: unknown) => {
      throw new AttachmentError(`${name} could not be downloaded.`, { cause });
    });
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location !== null && hop < MAX_REDIRECTS) {
      await response.body?.cancel();
      // The next hop is checked against the file hosts before the token goes anywhere.
      url = new URL(location, url);
      continue;
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new AttachmentError(`${name} could not be downloaded (HTTP ${response.status}).`);
    }
    return readCapped(response.body, name, options.maxBytes);
  }
}

async function readCapped(
  body: ReadableStream<Uint8Array>,
  name: string,
  maxBytes: number,
): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    total += next.value.byteLength;
    if (total > maxBytes) {
      // The declared size was wrong: stop reading at once rather than hold the whole file.
      await reader.cancel().catch(() => undefined);
      classifyAttachment({ name, mimeType: '', bytes: sized(total) }, maxBytes);
    }
    chunks.push(next.value);
  }
  return Buffer.concat(chunks);
}
