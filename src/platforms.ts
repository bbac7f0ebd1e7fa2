import type { PlatformAdapter, PlatformContext } from './adapters/adapter.js';
import { PLATFORMS } from './adapters/registry.js';
import type { AppConfig } from './config/types.js';

/** The adapters of every platform in the registry whose configuration is present, in registry order. */
export function createAdapters(config: AppConfig, context: PlatformContext): PlatformAdapter[] {
  return PLATFORMS.flatMap((platform) => {
    const section = config.platforms[platform.section.name];
    return section === undefined ? [] : [platform.create(section as never, context)];
  });
}

/** True when at least one platform is configured (else `npm start` says how to configure one). */
export function anyPlatformConfigured(config: AppConfig): boolean {
  return PLATFORMS.some((platform) => config.platforms[platform.section.name] !== undefined);
}
