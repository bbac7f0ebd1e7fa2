import { commonOptions, type Platform } from '../adapter.js';
import { slackSection } from './config.js';
import { createSlackAdapter, type SlackAdapterOptions } from './slack-adapter.js';

/** Slack in the platform registry. */
export const slackPlatform: Platform<'slack'> = {
  section: slackSection,
  create: (config, context) =>
    createSlackAdapter(config, {
      ...commonOptions('slack', context),
      http: context.http,
      ...(context.overrides?.slack as Partial<SlackAdapterOptions> | undefined),
    }),
};
