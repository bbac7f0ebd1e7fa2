import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { type DroppedSlackEvent, guardReceiver, slackEventType } from './event-guard.js';

/** A receiver that hands one event to whatever app it was given, as Bolt's receivers do. */
function receiverFor(): Receiver & { deliver(event: ReceiverEvent): Promise<void> } {
  let app: App | undefined;
  return {
    init: (given) => {
      app = given;
    },
    start: async () => undefined,
    stop: async () => undefined,
    deliver: async (event) => app?.processEvent(event),
  };
}

function event(body: Record<string, unknown>): ReceiverEvent & { acks: number } {
  const delivered = {
    body,
    acks: 0,
    ack: async () => {
      delivered.acks += 1;
    },
  };
  return delivered;
}

function guarded(processEvent: (e: ReceiverEvent) => Promise<void>) {
  const dropped: DroppedSlackEvent[] = [];
  const inner = receiverFor();
  guardReceiver(inner, (d) => dropped.push(d)).init({ processEvent } as unknown as App);
  return { inner, dropped };
}

describe('guardReceiver', () => {
  it('acknowledges and reports an event whose routing throws, instead of a 500 Slack retries', async () => {
    const failure = new TypeError("Cannot read properties of null (reading 'id')");
    const { inner, dropped } = guarded(async () => {
      throw failure;
    });
    const delivered = event({ type: 'event_callback', event: { type: 'user_change', user: null } });
    await inner.deliver(delivered);
    expect(delivered.acks).toBe(1);
    expect(dropped).toEqual([{ type: 'user_change', error: failure }]);
  });

  it('acknowledges and reports an event Bolt finished without acknowledging (nothing took it)', async () => {
    const { inner, dropped } = guarded(async () => undefined);
    const delivered = event({ type: 'app_rate_limited', team_id: 'T1' });
    await inner.deliver(delivered);
    expect(delivered.acks).toBe(1);
    expect(dropped).toEqual([{ type: 'app_rate_limited', error: undefined }]);
  });

  it('leaves an event Bolt acknowledged alone: one ack, nothing reported', async () => {
    const { inner, dropped } = guarded(async (e) => e.ack());
    const delivered = event({ type: 'event_callback', event: { type: 'app_mention' } });
    await inner.deliver(delivered);
    expect(delivered.acks).toBe(1);
    expect(dropped).toEqual([]);
  });
});

describe('slackEventType', () => {
  it('names the inner event, a slash command, or the body’s own type', () => {
    expect(slackEventType({ type: 'event_callback', event: { type: 'message' } })).toBe('message');
    expect(slackEventType({ command: '/ask', text: 'x' })).toBe('slash_command');
    expect(slackEventType({ type: 'block_actions' })).toBe('block_actions');
    expect(slackEventType({ type: 'event_callback' })).toBe('event_callback');
    expect(slackEventType(null)).toBe('unknown');
  });
});
