import { isValidSlackRequest, webApi } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { itSpecs, specCheck } from '../../support/specs.js';
import { FAKE_TEAM, FakeSlack, signature } from './index.js';
import { successProblems } from './openapi.js';

let fake: FakeSlack;
let client: webApi.WebClient;

beforeAll(async () => {
  fake = await FakeSlack.start();
  client = new webApi.WebClient(FAKE_TEAM.botToken, {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.violations.length = 0;
});

const slackError = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: { data?: { error?: string }; code?: string }) => error.data?.error ?? error.code,
  );

describe('the fake Slack Web API', () => {
  it('answers the real WebClient and records the call', async () => {
    const result = await client.chat.postMessage({ channel: 'C1', text: 'hi' });
    expect(result.ok).toBe(true);
    expect(fake.callsOf('chat.postMessage').at(-1)?.args).toMatchObject({ channel: 'C1', text: 'hi' });
    expect(fake.violations).toEqual([]);
  });

  itSpecs('flags arguments the method reference does not list, and missing required ones', async () => {
    await client.apiCall('chat.postMessage', { channel: 'C1', text: 'x', colour: 'red' });
    await client.apiCall('conversations.replies', { channel: 'C1' }).catch(() => undefined);
    expect(fake.violations).toEqual([
      'chat.postMessage: unknown argument colour',
      'conversations.replies: missing ts',
    ]);
  });

  it('holds messages to Slack’s limits instead of truncating', async () => {
    const posted = await client.chat.postMessage({ channel: 'C1', text: 'short' });
    const ts = String(posted.ts);
    expect(await slackError(client.chat.update({ channel: 'C1', ts, text: 'x'.repeat(4001) }))).toBe(
      'msg_too_long',
    );
    const markdown = [{ type: 'markdown', text: 'y'.repeat(12_001) }];
    expect(await slackError(client.apiCall('chat.update', { channel: 'C1', ts, blocks: markdown }))).toBe(
      'invalid_blocks',
    );
    const many = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    expect(await slackError(client.apiCall('chat.postMessage', { channel: 'C1', blocks: many }))).toBe(
      'invalid_blocks',
    );
    expect(await slackError(client.apiCall('chat.postMessage', { channel: 'C1' }))).toBe('no_text');
  });

  it('answers ratelimited with HTTP 429 and Retry-After', async () => {
    fake.rateLimit('chat.update', 7);
    const error = await client.chat.update({ channel: 'C1', ts: '1.0', text: 'x' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 });
    expect(fake.callsOf('chat.update').at(-1)?.status).toBe(429);
  });

  it('needs the recipient to stream in a channel, and refuses appends to an ended stream', async () => {
    expect(await slackError(client.chat.startStream({ channel: 'C1', thread_ts: '1.0' }))).toBe(
      'missing_recipient_user_id',
    );
    const started = await client.chat.startStream({
      channel: 'C1',
      thread_ts: '1.0',
      recipient_user_id: 'U1',
      recipient_team_id: FAKE_TEAM.teamId,
      markdown_text: 'a',
    });
    const ts = String(started.ts);
    await client.chat.appendStream({ channel: 'C1', ts, markdown_text: 'b' });
    fake.expireStream('C1', ts);
    expect(await slackError(client.chat.appendStream({ channel: 'C1', ts, markdown_text: 'c' }))).toBe(
      'message_not_in_streaming_state',
    );
    expect(fake.state.find('C1', ts)?.markdown).toBe('ab');
  });

  it('takes an upload through getUploadURLExternal, the upload URL and completeUploadExternal', async () => {
    await client.filesUploadV2({
      channel_id: 'C1',
      thread_ts: '1.0',
      file: Buffer.from('PNGDATA'),
      filename: 'x.png',
    });
    const message = fake.botMessages('C1', '1.0').find((m) => m.files !== undefined);
    expect(new TextDecoder().decode(message?.files?.[0]?.bytes)).toBe('PNGDATA');
    expect(fake.violations).toEqual([]);
  });

  it('refuses a wrong token', async () => {
    const stranger = new webApi.WebClient('xoxb-wrong', {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 0 },
    });
    expect(await slackError(stranger.auth.test())).toBe('invalid_auth');
  });

  it('serves a shared file only with the bot token', async () => {
    const file = fake.shareFile({ name: 'a.csv', bytes: new TextEncoder().encode('1,2') });
    const url = String(file.url_private_download);
    expect(await (await fetch(url)).text()).toContain('Sign in');
    const authorized = await fetch(url, { headers: { authorization: `Bearer ${FAKE_TEAM.botToken}` } });
    expect(await authorized.text()).toBe('1,2');
  });

  it('shares a Slack Connect file as a stub and tells the rest through files.info, as Slack’s OpenAPI document has it', async () => {
    const stub = fake.shareConnectFile({
      name: 'deck.pdf',
      bytes: new Uint8Array([37, 80]),
      mimetype: 'application/pdf',
    });
    expect(stub).toEqual({
      id: stub.id,
      mode: 'file_access',
      file_access: 'check_file_info',
      created: 0,
      timestamp: 0,
      user: '',
    });
    const info = await client.files.info({ file: String(stub.id) });
    expect(info.file).toMatchObject({
      id: stub.id,
      name: 'deck.pdf',
      mimetype: 'application/pdf',
      size: 2,
      mode: 'hosted',
    });
    expect(String(info.file?.url_private_download)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files-pri\//);
    specCheck(() => expect(successProblems('files.info', info)).toEqual([]));
    expect(fake.violations).toEqual([]);
  });

  it('answers files.info with the reference’s errors: access_denied for a Connect file it may not see, file_not_found', async () => {
    const stub = fake.shareConnectFile({ name: 'secret.pdf', bytes: new Uint8Array([1]) }, { denied: true });
    expect(await slackError(client.files.info({ file: String(stub.id) }))).toBe('access_denied');
    expect(await slackError(client.files.info({ file: 'F0NOSUCH0001' }))).toBe('file_not_found');
    expect(fake.violations).toEqual([]);
  });

  it('keeps a post’s metadata and lists it in the thread only when asked, as Slack does', async () => {
    const root = await client.chat.postMessage({ channel: 'C9', text: 'question' });
    const thread = String(root.ts);
    const metadata = { event_type: 'threadloom_post', event_payload: { key: 'turn:text:a:0' } };
    const reply = await client.apiCall('chat.postMessage', {
      channel: 'C9',
      thread_ts: thread,
      text: 'a',
      metadata,
    });
    const plain = await client.apiCall('conversations.replies', { channel: 'C9', ts: thread });
    const asked = await client.apiCall('conversations.replies', {
      channel: 'C9',
      ts: thread,
      include_all_metadata: true,
    });
    const shown = (result: unknown) =>
      (result as { messages: { ts: string; metadata?: unknown }[] }).messages.map((m) => m.metadata);
    expect(shown(plain)).toEqual([undefined, undefined]);
    expect(shown(asked)).toEqual([undefined, metadata]);
    expect((asked as unknown as { messages: { ts: string }[] }).messages[1]?.ts).toBe(
      String((reply as { ts?: unknown }).ts),
    );
    // What the fake answered (the client adds response_metadata of its own).
    const answered = fake.callsOf('conversations.replies').at(-1)?.result;
    specCheck(() => expect(successProblems('conversations.replies', answered)).toEqual([]));
    expect(fake.violations).toEqual([]);
  });

  it('refuses metadata without an event type or payload object (invalid_metadata_format)', async () => {
    for (const metadata of [{ event_payload: {} }, { event_type: 'x', event_payload: 'y' }, 'text']) {
      expect(
        await slackError(client.apiCall('chat.postMessage', { channel: 'C9', text: 'a', metadata })),
      ).toBe('invalid_metadata_format');
    }
  });

  itSpecs('catches an answer that does not match the OpenAPI document, so the check can fail', () => {
    const info = { ok: true, comments: [], file: { id: 'F0SHARED001', file_access: 'check_file_info' } };
    expect(successProblems('files.info', info).join('\n')).toMatch(/additional/);
    expect(() => successProblems('chat.startStream', { ok: true })).toThrow(/no success schema/);
  });
});

describe('signed requests', () => {
  it('are signed the way Bolt verifies', () => {
    const body = '{"type":"event_callback"}';
    const timestamp = Math.floor(Date.now() / 1000);
    const valid = isValidSlackRequest({
      signingSecret: 's3cret',
      body,
      headers: {
        'x-slack-signature': signature('s3cret', timestamp, body),
        'x-slack-request-timestamp': timestamp,
      },
    });
    expect(valid).toBe(true);
  });
});
