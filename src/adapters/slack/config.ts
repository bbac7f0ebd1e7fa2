import { commaList, httpUrl, MAX_TIMER_MS, optionalText, positiveInt } from '../../config/fields.js';
import type { ParsedFields, PlatformSection } from '../../config/platform-section.js';
import type { Allowlist } from '../../config/types.js';

/** Slack's configuration, from the `SLACK_*` variables. */
export interface SlackConfig {
  botToken: string;
  signingSecret: string | undefined;
  appToken: string | undefined;
  apiUrl: string | undefined;
  allow: Allowlist;
  /** A streaming answer message is updated at most this often (chat.update fallback). */
  updateIntervalMs: number;
  /** User ids who may approve or deny any tool call (besides the user who asked). */
  approverUsers: readonly string[];
}

declare module '../../config/platform-section.js' {
  interface PlatformConfigs {
    /** Set when `SLACK_BOT_TOKEN` is. */
    slack: SlackConfig | undefined;
  }
}

/** Slack: chat.update is Tier 3, about 50 a minute per workspace. */
export const DEFAULT_SLACK_UPDATE_INTERVAL_MS = 1500;

const FIELDS = {
  SLACK_BOT_TOKEN: optionalText(),
  SLACK_SIGNING_SECRET: optionalText(),
  SLACK_APP_TOKEN: optionalText().refine((token) => token === undefined || token.startsWith('xapp-'), {
    error: 'must start with "xapp-": an app-level token with the connections:write scope (Socket Mode)',
  }),
  SLACK_API_URL: httpUrl('https://slack.com/api/'),
  SLACK_ALLOWED_TEAMS: commaList(),
  SLACK_ALLOWED_CHANNELS: commaList(),
  SLACK_ALLOWED_USERS: commaList(),
  SLACK_UPDATE_INTERVAL_MS: positiveInt(DEFAULT_SLACK_UPDATE_INTERVAL_MS, MAX_TIMER_MS),
  SLACK_APPROVER_USERS: commaList(),
};

type Fields = ParsedFields<typeof FIELDS>;

/** Slack's part of the environment schema. */
export const slackSection: PlatformSection<'slack'> = {
  name: 'slack',
  fields: FIELDS,
  check: (raw) => {
    const env = raw as Fields;
    if (env.SLACK_BOT_TOKEN === undefined || env.SLACK_APP_TOKEN !== undefined) return [];
    if (env.SLACK_SIGNING_SECRET !== undefined) return [];
    return [
      {
        variable: 'SLACK_APP_TOKEN',
        message:
          'is required with SLACK_BOT_TOKEN unless SLACK_SIGNING_SECRET is set: the app token ' +
          '(xapp-...) for Socket Mode, or the signing secret for HTTP mode',
      },
    ];
  },
  build: (raw) => {
    const env = raw as Fields;
    if (!env.SLACK_BOT_TOKEN) return undefined;
    return {
      botToken: env.SLACK_BOT_TOKEN,
      signingSecret: env.SLACK_SIGNING_SECRET,
      appToken: env.SLACK_APP_TOKEN,
      apiUrl: env.SLACK_API_URL,
      allow: {
        spaces: env.SLACK_ALLOWED_TEAMS,
        channels: env.SLACK_ALLOWED_CHANNELS,
        roles: [],
        users: env.SLACK_ALLOWED_USERS,
      },
      updateIntervalMs: env.SLACK_UPDATE_INTERVAL_MS,
      approverUsers: env.SLACK_APPROVER_USERS,
    };
  },
  secrets: (config) => [config.botToken, config.appToken, config.signingSecret],
};
