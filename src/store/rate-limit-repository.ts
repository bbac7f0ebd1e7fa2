import type { StoreDriver } from './driver.js';
import { storeKeys } from './keys.js';
import type { RateLimitRepository } from './types.js';

/**
 * Fixed-window request counters: the window's index is part of the key, so a new window starts at
 * zero without a reset, and each counter expires once its window is over.
 */
export function createRateLimitRepository(driver: StoreDriver): RateLimitRepository {
  return {
    hit: (subject, windowMs, at) => {
      const window = Math.floor(at.getTime() / windowMs);
      return driver.hit(storeKeys.rateLimit(subject, windowMs, window), windowMs);
    },
  };
}
