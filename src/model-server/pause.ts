/**
 * Waits `ms` (Infinity: forever) unless `signal` aborts first, in which case it rejects with the
 * signal's reason. The model's "thinking time": cancel and expiry interrupt it at once.
 */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    if (Number.isFinite(ms)) {
      // setTimeout(0) rather than a microtask: a zero pause still lets HTTP responses go out first.
      timer = setTimeout(
        () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
    }
  });
}
