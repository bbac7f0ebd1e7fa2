import type { App, Receiver, ReceiverEvent, SocketModeReceiver } from '@slack/bolt';

/**
 * Slack events the Slack clients cannot handle cost that event, never the process, and are
 * acknowledged so that Slack does not send them again (a redelivered event that crashes a process
 * would meet every restart). Two places can fail:
 * - Bolt: a body it cannot route (an Events API callback without an inner `event`, such as Slack's
 *   `app_rate_limited`) is never acknowledged, so HTTP mode answers 404 after 3 s and Slack retries;
 *   a body its routing throws on is a 500, retried too. `guardReceiver` acknowledges both.
 * - The Socket Mode client reads `payload.event.type` of every `events_api` envelope before Bolt sees
 *   it: an envelope without an inner event throws there, unhandled, and ends the process; and the
 *   envelope, never acknowledged, comes back. `guardSocketClient` makes it one dropped envelope.
 */

/** One event the adapter dropped: its type (`app_rate_limited`, `message`...) and what went wrong. */
export interface DroppedSlackEvent {
  type: string;
  /** What failed; undefined when nothing threw but nothing took the event either. */
  error: unknown;
}

type OnDropped = (dropped: DroppedSlackEvent) => void;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The type of a Slack request body: the inner event's, a command's, or the body's own. */
export function slackEventType(body: unknown): string {
  if (!isRecord(body)) return 'unknown';
  if (isRecord(body.event) && typeof body.event.type === 'string') return body.event.type;
  if (typeof body.command === 'string') return 'slash_command';
  return typeof body.type === 'string' ? body.type : 'unknown';
}

/**
 * `receiver` with Bolt behind a guard: an event Bolt throws on, or finishes without anyone
 * acknowledging it (it could not route it, or no listener took it), is reported and acknowledged.
 * Listener errors never get here: Bolt hands them to `app.error`.
 */
export function guardReceiver(receiver: Receiver, onDropped: OnDropped): Receiver {
  return {
    init(app: App) {
      // The receivers call nothing on the app but processEvent.
      const guarded = { processEvent: (event: ReceiverEvent) => processGuarded(app, event, onDropped) };
      receiver.init(guarded as unknown as App);
    },
    start: (...args: unknown[]) => receiver.start(...args),
    stop: (...args: unknown[]) => receiver.stop(...args),
  };
}

async function processGuarded(app: App, event: ReceiverEvent, onDropped: OnDropped): Promise<void> {
  let acked = false;
  const ack: ReceiverEvent['ack'] = async (response) => {
    acked = true;
    return event.ack(response);
  };
  let error: unknown;
  try {
    await app.processEvent({ ...event, ack });
  } catch (thrown) {
    error = thrown;
  }
  if (acked) {
    if (error !== undefined) onDropped({ type: slackEventType(event.body), error });
    return;
  }
  onDropped({ type: slackEventType(event.body), error });
  await event.ack().catch(() => undefined);
}

/** The Socket Mode client's own acknowledgement (`send` is private in its types, public in use). */
interface Acknowledging {
  send(envelopeId: string, body?: Record<string, unknown>): Promise<void>;
}

/**
 * The Socket Mode client's reading of each WebSocket message, behind a guard: a message it throws on
 * is reported with its event type and its envelope acknowledged; the next message is read as usual.
 */
export function guardSocketClient(client: SocketModeReceiver['client'], onDropped: OnDropped): void {
  const readers = client.listeners('ws_message');
  if (readers.length === 0) {
    throw new Error('@slack/socket-mode no longer reads ws_message: the Slack event guard needs updating');
  }
  const failed = (data: unknown) => (error: unknown) => {
    const envelope = parseEnvelope(data);
    onDropped({ type: slackEventType(envelope?.payload), error });
    const id = envelope?.envelope_id;
    if (typeof id === 'string') (client as unknown as Acknowledging).send(id).catch(() => undefined);
  };
  client.removeAllListeners('ws_message');
  client.on('ws_message', (data: unknown, isBinary: boolean) => {
    for (const read of readers) {
      try {
        Promise.resolve(read(data, isBinary)).catch(failed(data));
      } catch (error) {
        failed(data)(error);
      }
    }
  });
}

function parseEnvelope(data: unknown): Record<string, unknown> | undefined {
  try {
    const text = typeof data === 'string' ? data : new TextDecoder().decode(data as ArrayBuffer);
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
