import type { Recorder } from './http/recorder.js';

export interface WaitForOptions {
  timeoutMs?: number;
  /** Named in the timeout error. */
  what?: string;
}

/**
 * Resolves with `probe()`'s first truthy value, re-checking whenever the recorder reports a change
 * (a request, a body or event sent, a run or response moving on). Rejects after `timeoutMs`
 * (default 5000) instead of sleeping blind.
 */
export function waitForChange<T>(
  recorder: Recorder,
  probe: () => T | undefined | null | false,
  options: WaitForOptions = {},
): Promise<T> {
  const { timeoutMs = 5000, what = 'condition' } = options;
  return new Promise<T>((resolve, reject) => {
    // Runs inside the fake's own request and run handling: a throwing probe must not break those.
    const check = (): void => {
      try {
        const value = probe();
        if (value === undefined || value === null || value === false) return;
        done();
        resolve(value);
      } catch (error) {
        done();
        reject(error);
      }
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`fake OpenAI: timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const unsubscribe = recorder.onChange(check);
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
    };
    check();
  });
}
