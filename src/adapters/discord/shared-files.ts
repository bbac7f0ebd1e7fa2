import type { DownloadPolicy, SharedFile } from '../kit/downloads.js';
import type { AttachmentFacts } from './parse.js';

/** Discord's attachment hosts: the only places user files are fetched from. */
export const DISCORD_ATTACHMENT_ORIGINS = [
  'https://cdn.discordapp.com',
  'https://media.discordapp.net',
] as const satisfies readonly string[];

/** A message's attachments as the kit's downloader reads them. */
export function sharedFilesOf(attachments: readonly AttachmentFacts[]): SharedFile[] {
  return attachments.map((a) => ({ name: a.name, mimeType: a.contentType, url: a.url, size: a.size }));
}

/** Downloads only from these origins (`URL.origin`), following no redirect: one could lead elsewhere. */
export function discordDownloadPolicy(origins: readonly string[], maxBytes: number): DownloadPolicy {
  return {
    platformName: 'Discord',
    isFileHost: (url) => origins.includes(url.origin),
    maxBytes,
    maxRedirects: 0,
  };
}
