import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAKE_TEAM, freshTs } from './state.js';

/**
 * Slack payloads for tests, built from the real shapes in test/fixtures/slack with the fields a test
 * cares about replaced.
 */
const FIXTURES = join(import.meta.dirname, '../../fixtures/slack');

type Json = Record<string, unknown>;

/** A fixture, freshly parsed (tests may change it). */
export function fixture(name: string): Json {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as Json;
}

let eventCount = 0;

/** A fresh user message ts, later than any before. */
export function userTs(): string {
  return freshTs();
}

/** The Events API envelope around `event`, with a fresh event_id unless given. */
export function eventCallback(event: Json, eventId?: string): Json {
  eventCount += 1;
  return {
    ...fixture('event-callback'),
    event,
    event_id: eventId ?? `Ev${String(eventCount).padStart(10, '0')}`,
  };
}

export interface MessageFields {
  text: string;
  ts?: string;
  thread_ts?: string;
  channel?: string;
  user?: string;
  files?: readonly Json[];
}

function message(base: string, fields: MessageFields): Json {
  const event = fixture(base);
  const ts = fields.ts ?? userTs();
  Object.assign(event, {
    text: fields.text,
    ts,
    event_ts: ts,
    ...(fields.thread_ts === undefined ? {} : { thread_ts: fields.thread_ts }),
    ...(fields.channel === undefined ? {} : { channel: fields.channel }),
    ...(fields.user === undefined ? {} : { user: fields.user }),
  });
  if (fields.files !== undefined) Object.assign(event, { subtype: 'file_share', files: fields.files });
  return event;
}

/** `app_mention`: the text should hold `<@U0BOT00001>`. */
export function appMention(fields: MessageFields): Json {
  return message('app-mention', fields);
}

/** `message` in a channel (message.channels). */
export function channelMessage(fields: MessageFields): Json {
  return message('message-channels', fields);
}

/** `message` in the bot's DM (message.im: the assistant or agent view). */
export function dmMessage(fields: MessageFields): Json {
  return message('message-im', fields);
}

/**
 * `app_rate_limited`: Slack's notice that the app's event deliveries are being limited. An Events API
 * callback with its own outer type and no inner `event` (docs.slack.dev/reference/events/app_rate_limited),
 * which Bolt cannot route.
 */
export function appRateLimited(): Json {
  return fixture('app-rate-limited');
}

/** The bot's mention, as Slack writes it in text. */
export const MENTION = `<@${FAKE_TEAM.botUserId}>`;

export function slashCommand(fields: {
  command: string;
  text: string;
  response_url: string;
  channel_id?: string;
  user_id?: string;
}): Record<string, string> {
  const form = fixture('slash-command') as Record<string, string>;
  eventCount += 1;
  return { ...form, trigger_id: `${eventCount}.trigger`, ...fields };
}

export function stopAction(fields: {
  value: string;
  response_url: string;
  channel?: string;
  user?: string;
}): Json {
  const payload = fixture('block-actions');
  const action = (payload.actions as Json[])[0] as Json;
  action.value = fields.value;
  payload.response_url = fields.response_url;
  if (fields.channel) payload.channel = { id: fields.channel, name: 'general' };
  if (fields.user) payload.user = { id: fields.user, name: 'someone', team_id: FAKE_TEAM.teamId };
  return payload;
}

/** A click on an approval prompt's Approve or Deny (`block_actions`); `value` is the approval id. */
export function approvalAction(fields: {
  actionId: 'threadloom_approve' | 'threadloom_deny';
  value: string;
  response_url: string;
  channel?: string;
  user?: string;
}): Json {
  const payload = stopAction(fields);
  const action = (payload.actions as Json[])[0] as Json;
  action.action_id = fields.actionId;
  action.block_id = 'approval';
  action.text = {
    type: 'plain_text',
    text: fields.actionId === 'threadloom_approve' ? 'Approve' : 'Deny',
    emoji: true,
  };
  action.style = fields.actionId === 'threadloom_approve' ? 'primary' : 'danger';
  return payload;
}
