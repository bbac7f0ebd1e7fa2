import { DiscordAPIError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { describeError, isChannelClosed, isMessageGone } from './discord-errors.js';

const apiError = (code: number, status: number, url = 'https://discord.com/api/v10/channels/1/messages') =>
  new DiscordAPIError({ code, message: 'Unknown Message' }, code, status, 'PATCH', url, {
    body: undefined,
    files: undefined,
  });

describe('Discord errors', () => {
  it('treats a deleted message (10008) and an old one edited too often (30046) as gone', () => {
    expect(isMessageGone(apiError(10008, 404))).toBe(true);
    expect(isMessageGone(apiError(30046, 400))).toBe(true);
    expect(isMessageGone(apiError(50013, 403))).toBe(false);
    expect(isMessageGone(new Error('network'))).toBe(false);
  });

  it('treats missing permissions and access, a deleted channel and an archived thread as closed', () => {
    for (const code of [50013, 50001, 10003, 50083]) expect(isChannelClosed(apiError(code, 403))).toBe(true);
    expect(isChannelClosed(apiError(10008, 404))).toBe(false);
  });

  it('describes an error for the log without its URL, which may hold an interaction token', () => {
    const fields = describeError(
      apiError(10008, 404, 'https://discord.com/api/v10/webhooks/1/SECRET-TOKEN/messages/@original'),
    );
    expect(fields).toEqual({
      name: 'DiscordAPIError[10008]',
      code: 10008,
      status: 404,
      method: 'PATCH',
      reason: 'Unknown Message',
    });
    expect(JSON.stringify(fields)).not.toContain('SECRET-TOKEN');
  });
});
