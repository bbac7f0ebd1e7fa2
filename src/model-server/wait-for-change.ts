/** How long to wait, and what to call it in the timeout error. */
export interface WaitForOptions {
  timeoutMs?: number;
  /** Named in the timeout error. */
  what?: string;
}

/** Registers a listener for "something changed" and returns how to unregister it. */
export type OnChange = (listener: () => void) => () => void;

/**
 * Resolves with `probe()`'s first truthy value, re-checked whenever a fake reports a change (a request
 * answered, an event sent, a run moving on). Rejects after `timeoutMs` (default 5000) instead of
 * sleeping blind. Every fake server's `waitFor` is this, with its own change feed and name.
 */
export function waitForChange<T>(
  fake: string,
  onChange: OnChange,
  probe: () => T | undefined | null | false,
  options: WaitForOptions = {},
): Promise<T> {
  const { timeoutMs = 5000, what = 'condition' } = options;
  return new Promise<T>((resolve, reject) => {
    // Runs inside the fake's own request handling: a throwing probe must not break that.
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
      reject(new Error(`${fake}: timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const unsubscribe = onChange(check);
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
    };
    check();
  });
}
