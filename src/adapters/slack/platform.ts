import type { Platform } from '../adapter.js';
import { slackSection } from './config.js';
import { createSlackAdapter, type SlackAdapterOptions } from './slack-adapter.js';

/** Slack in the platform registry. */
export const slackPlatform: Platform<'slack'> = {
  section: slackSection,
  create: (config, context) =>
    createSlackAdapter(config, {
      toolDisplay: context.toolDisplay,
      maxAttachmentBytes: context.maxAttachmentBytes,
      limits: context.limits,
      deps: context.deps,
      onDroppedEvent: (type) => context.onDroppedEvent?.('slack', type),
      http: context.http,
      ...(context.overrides?.slack as Partial<SlackAdapterOptions> | undefined),
    }),
};
