import { classifyAttachment } from '../../core/attachments.js';
import { AttachmentError } from '../../core/errors.js';
import type { InboundFile } from '../../core/messages.js';

/** A download that has not finished in this long is abandoned. */
export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 30_000;

/** A file a user shared, as the platform describes it (before any byte is fetched). */
export interface SharedFile {
  name: string;
  /** The platform's word for its type; `application/octet-stream` when it says nothing. */
  mimeType: string | undefined;
  /** Where its bytes are; undefined when the platform does not hold them (with `unreadable` saying why). */
  url: string | undefined;
  /** The size the platform claims, checked before the download and again while reading. */
  size?: number | undefined;
  /** Why the file cannot be read (an external link, a hidden file...), for the user. */
  unreadable?: string;
  /**
   * Its bytes, when the platform itself received them (the web chat's uploads): checked like a
   * download, never fetched.
   */
  bytes?: Uint8Array;
}

/** Where user files may come from, how large they may be, and what is sent to fetch them. */
export interface DownloadPolicy {
  /** The platform's name, as the user reads it in a refusal ("not on Slack's file hosts"). */
  platformName: string;
  /** True for the platform's own file hosts: the only URLs fetched, redirects included. */
  isFileHost(url: URL): boolean;
  maxBytes: number;
  /** Headers for the file hosts (Slack's bot token); never sent anywhere else. */
  headers?: Readonly<Record<string, string>>;
  /** Redirects followed, each checked against the file hosts first; 0 refuses any redirect. */
  maxRedirects: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** What became of a message's files: those to hand on, and a user-facing line per refusal. */
export interface DownloadResult {
  files: InboundFile[];
  refused: string[];
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

/**
 * Downloads a message's files, one by one, under the policy: only types the assistant can use (the
 * core's rules, checked by name and claimed size before any byte is fetched), only from the
 * platform's file hosts, and never more than `maxBytes` read, whatever size the platform or the server
 * claims. A refused file becomes a line for the user, not an error.
 */
export async function downloadFiles(
  files: readonly SharedFile[],
  policy: DownloadPolicy,
): Promise<DownloadResult> {
  const result: DownloadResult = { files: [], refused: [] };
  for (const file of files) {
    try {
      result.files.push(await downloadOne(file, policy));
    } catch (error) {
      if (!(error instanceof AttachmentError)) throw error;
      result.refused.push(error.message);
    }
  }
  return result;
}

/**
 * What is checked before any byte of a file is fetched: its type (by name), and the size the platform
 * claims. Throws AttachmentError with the line for the user; platforms that take the bytes themselves
 * (the web chat) ask this before accepting them.
 */
export function checkBeforeDownload(
  file: Pick<SharedFile, 'name' | 'mimeType' | 'size'>,
  maxBytes: number,
): void {
  const { name } = file;
  const mimeType = file.mimeType ?? 'application/octet-stream';
  // One byte stands in for the content: no download for a file that would be refused.
  classifyAttachment({ name, mimeType, bytes: new Uint8Array(1) }, Number.POSITIVE_INFINITY);
  if (file.size !== undefined && file.size > maxBytes) {
    throw new AttachmentError(`${name} is ${mb(file.size)}; the limit is ${mb(maxBytes)}.`);
  }
}

async function downloadOne(file: SharedFile, policy: DownloadPolicy): Promise<InboundFile> {
  const { name } = file;
  const mimeType = file.mimeType ?? 'application/octet-stream';
  checkBeforeDownload(file, policy.maxBytes);
  if (file.unreadable !== undefined) throw new AttachmentError(file.unreadable);
  if (file.bytes !== undefined) {
    const received: InboundFile = { name, mimeType, bytes: file.bytes };
    classifyAttachment(received, policy.maxBytes);
    return received;
  }
  if (file.url === undefined) throw new AttachmentError(`${name} cannot be read.`);
  const bytes = await fetchCapped(file.url, name, policy);
  const inbound: InboundFile = { name, mimeType, bytes };
  classifyAttachment(inbound, policy.maxBytes);
  return inbound;
}

async function fetchCapped(source: string, name: string, policy: DownloadPolicy): Promise<Uint8Array> {
  const doFetch = policy.fetch ?? fetch;
  const notHosted = () =>
    new AttachmentError(`${name} was not downloaded: it is not on ${policy.platformName}'s file hosts.`);
  let url = URL.canParse(source) ? new URL(source) : undefined;
  for (let hop = 0; ; hop++) {
    // Every hop is checked before anything, the token above all, goes there.
    if (url === undefined || !policy.isFileHost(url)) throw notHosted();
    const response = await doFetch(url, {
      headers: { ...policy.headers },
      redirect: 'manual',
      signal: AbortSignal.timeout(policy.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS),
    }).catch((cause: unknown) => {
      throw new AttachmentError(`${name} could not be downloaded.`, { cause });
    });
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      if (location === null || hop >= policy.maxRedirects) {
        throw new AttachmentError(`${name} could not be downloaded.`);
      }
      url = new URL(location, url);
      continue;
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new AttachmentError(`${name} could not be downloaded (HTTP ${response.status}).`);
    }
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (declared > policy.maxBytes) {
      await response.body.cancel();
      throw new AttachmentError(`${name} is ${mb(declared)}; the limit is ${mb(policy.maxBytes)}.`);
    }
    return readCapped(response.body, name, policy.maxBytes);
  }
}

/**
 * Reads a stream into memory, stopping (and cancelling it) as soon as it passes `maxBytes`: the
 * downloads' reader, and the web chat's for the uploads it receives.
 */
export async function readCapped(
  body: ReadableStream<Uint8Array>,
  name: string,
  maxBytes: number,
): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      total += next.value.byteLength;
      if (total > maxBytes) {
        // The claimed size was wrong: stop reading at once rather than hold the whole file.
        await reader.cancel().catch(() => undefined);
        throw new AttachmentError(`${name} is more than ${mb(maxBytes)}; the limit is ${mb(maxBytes)}.`);
      }
      chunks.push(next.value);
    }
  } catch (error) {
    if (error instanceof AttachmentError) throw error;
    throw new AttachmentError(`${name} could not be downloaded.`, { cause: error });
  } finally {
    reader.releaseLock();
  }
  return Buffer.concat(chunks);
}
