import { commonOptions, type Platform } from '../adapter.js';
import { webSection } from './config.js';
import { WebAdapter, type WebAdapterOptions } from './web-adapter.js';

/** The web chat in the platform registry. */
export const webPlatform: Platform<'web'> = {
  section: webSection,
  create: (config, context) =>
    new WebAdapter(config, {
      ...commonOptions('web', context),
      http: context.http,
      ...(context.overrides?.web as Partial<WebAdapterOptions> | undefined),
    }),
};
