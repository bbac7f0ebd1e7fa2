import type { Logger } from '../../core/logger.js';
import type { NoticeTone } from '../kit/chat-surface.js';
import { noticeBody } from './blocks.js';
import type { SlackAddress } from './parse.js';
import type { SlackApi } from './slack-api.js';

/** How each kind of notice is marked on Slack. */
export const NOTICE_EMOJI = {
  info: ':information_source:',
  warning: ':warning:',
  stopped: ':stop_sign:',
  file: ':paperclip:',
} as const satisfies Record<NoticeTone, string>;

/** A short line in the thread, outside any answer; a failure to post it is logged, never thrown. */
export async function postNotice(
  api: SlackApi,
  address: SlackAddress,
  text: string,
  tone: NoticeTone = 'info',
  logger?: Logger,
): Promise<void> {
  await api
    .call(
      'chat.postMessage',
      { channel: address.channel, thread_ts: address.thread, ...noticeBody(text, NOTICE_EMOJI[tone]) },
      { priority: 'first' },
    )
    .catch((err: unknown) => logger?.error({ err }, 'Slack: could not post a notice'));
}
