import { createHmac } from 'node:crypto';

/** Options of one signed request. */
export interface SignOptions {
  /** `X-Slack-Retry-Num`: Slack's redelivery counter (1..3). */
  retryNum?: number;
  /** Request time in seconds (default now); older than 5 minutes is stale. */
  timestamp?: number;
  /** Sign with this secret instead of the right one. */
  secret?: string;
}

export interface SentRequest {
  status: number;
  body: string;
}

/** Slack's v0 request signature: HMAC-SHA256 of `v0:{timestamp}:{body}` with the signing secret. */
export function signature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/**
 * Sends what Slack sends to an app in HTTP mode, signed as Slack signs it: Events API callbacks
 * (JSON), slash commands (form posts) and interactivity (`payload=` form posts).
 */
export class SlackSender {
  constructor(
    /** The app's request URL (`http://127.0.0.1:<port>/slack/events`). */
    readonly url: string,
    private readonly signingSecret: string,
  ) {}

  /** An Events API callback. */
  event(envelope: unknown, options: SignOptions = {}): Promise<SentRequest> {
    return this.post(JSON.stringify(envelope), 'application/json', options);
  }

  /** A slash command, as the form Slack posts. */
  command(fields: Readonly<Record<string, string>>, options: SignOptions = {}): Promise<SentRequest> {
    return this.post(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', options);
  }

  /** A block action (a button press), as `payload=<json>`. */
  action(payload: unknown, options: SignOptions = {}): Promise<SentRequest> {
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.post(body, 'application/x-www-form-urlencoded', options);
  }

  async post(body: string, contentType: string, options: SignOptions = {}): Promise<SentRequest> {
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature(options.secret ?? this.signingSecret, timestamp, body),
    };
    if (options.retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(options.retryNum);
      headers['x-slack-retry-reason'] = 'http_timeout';
    }
    const response = await fetch(this.url, { method: 'POST', headers, body });
    return { status: response.status, body: await response.text() };
  }
}
