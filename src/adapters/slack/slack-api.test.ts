import type { webApi } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logger.js';
import { DEFAULT_SLACK_RATES, SlackApi, SlackApiError, toSlackError } from './slack-api.js';

const FAST = { perSecond: 1e6, burst: 1e6 };
const RATES = { tier2: FAST, tier3: FAST, tier4: FAST, postPerChannel: FAST, special: FAST };

const rateLimited = (seconds: number) =>
  Object.assign(new Error('rate limited'), { code: 'slack_webapi_rate_limited_error', retryAfter: seconds });

function clientFailing(failures: unknown[]): { client: webApi.WebClient; calls: string[] } {
  const calls: string[] = [];
  const client = {
    apiCall: async (method: string) => {
      calls.push(method);
      const failure = failures.shift();
      if (failure) throw failure;
      return { ok: true, ts: '1.0' };
    },
  } as unknown as webApi.WebClient;
  return { client, calls };
}

describe('SlackApi', () => {
  it('waits out a 429 and tries again', async () => {
    const { client, calls } = clientFailing([rateLimited(0)]);
    const api = new SlackApi(client, RATES, silentLogger());
    await expect(api.call('chat.update', { channel: 'C1', ts: '1.0' })).resolves.toMatchObject({ ok: true });
    expect(calls).toEqual(['chat.update', 'chat.update']);
  });

  it('gives up after a few 429s with an error that carries Retry-After', async () => {
    const { client } = clientFailing([rateLimited(0), rateLimited(0), rateLimited(0), rateLimited(0)]);
    const api = new SlackApi(client, RATES, silentLogger());
    const error = await api.call('chat.update', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackApiError);
    expect(error).toMatchObject({
      status: 429,
      retryAfterMs: 0,
      slackError: 'ratelimited',
      platform: 'slack',
    });
  });

  it('shares one budget per channel for chat.postMessage and one per tier for the rest', () => {
    const api = new SlackApi(clientFailing([]).client, DEFAULT_SLACK_RATES, silentLogger());
    expect(api.budgetFor('chat.postMessage', 'C1')).toBe(api.budgetFor('chat.postMessage', 'C1'));
    expect(api.budgetFor('chat.postMessage', 'C1')).not.toBe(api.budgetFor('chat.postMessage', 'C2'));
    expect(api.budgetFor('chat.update')).toBe(api.budgetFor('chat.delete'));
    expect(api.budgetFor('chat.appendStream')).not.toBe(api.budgetFor('chat.update'));
  });

  it('keeps Slack’s error string and never the request in its message', () => {
    const platform = { code: 'slack_webapi_platform_error', data: { error: 'not_in_channel' } };
    expect(toSlackError('chat.postMessage', platform)).toMatchObject({
      slackError: 'not_in_channel',
      message: 'chat.postMessage failed: not_in_channel',
    });
    expect(toSlackError('x', { code: 'slack_webapi_http_error', statusCode: 404 })).toMatchObject({
      slackError: 'http_404',
      status: 404,
    });
    expect(toSlackError('x', new Error('socket hang up'))).toMatchObject({ slackError: 'request_failed' });
  });
});
