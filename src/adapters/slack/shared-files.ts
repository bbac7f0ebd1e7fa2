import type { DownloadPolicy, SharedFile } from '../kit/downloads.js';
import type { SlackFile } from './parse.js';

/** Where Slack serves shared files from; the bot token is sent to these hosts and no others. */
export const DEFAULT_SLACK_FILE_HOSTS = ['files.slack.com'] as const satisfies readonly string[];

/** File modes whose bytes Slack hosts (others are external links, tombstones or hidden by plan limits). */
const READABLE_MODES = new Set(['hosted', 'snippet']);

/** Redirects followed within the file hosts before a download is given up. */
const MAX_REDIRECTS = 3;

/** A shared file as the kit's downloader reads it; files Slack does not host say so. */
export function sharedFileOf(file: SlackFile): SharedFile {
  const name = file.name ?? file.title ?? file.id;
  const url = file.url_private_download ?? file.url_private;
  const hosted = url !== undefined && (file.mode === undefined || READABLE_MODES.has(file.mode));
  return {
    name,
    mimeType: file.mimetype,
    url,
    size: file.size,
    ...(hosted ? {} : { unreadable: `${name} is not stored on Slack, so it cannot be read.` }),
  };
}

/**
 * Downloads with the bot token, only from Slack's file hosts (`host` or `host:port`, as `URL.host`
 * spells them), following redirects that stay there.
 */
export function slackDownloadPolicy(
  options: { botToken: string; fileHosts: readonly string[]; maxBytes: number },
  fetchFn?: typeof fetch,
): DownloadPolicy {
  return {
    platformName: 'Slack',
    isFileHost: (url) => options.fileHosts.includes(url.host),
    headers: { authorization: `Bearer ${options.botToken}` },
    maxBytes: options.maxBytes,
    maxRedirects: MAX_REDIRECTS,
    ...(fetchFn ? { fetch: fetchFn } : {}),
  };
}
