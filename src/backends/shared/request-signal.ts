/**
 * A signal for one SDK request (or one paginated listing) that follows `parent`, released afterwards.
 *
 * Why: openai-node adds an abort listener to the signal a caller passes and never removes it
 * (openai/openai-node#1811), so passing a run's own signal to every poll would pile one listener per
 * request onto it for as long as the run lasts. Each request gets a short-lived child instead, and
 * only the child's single link to the run's signal is ever added, and removed again here. Streams
 * keep the run's signal: they are few per run, and must stay abortable after their request resolves.
 */
export async function withRequestSignal<T>(
  parent: AbortSignal,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const forward = () => controller.abort(parent.reason);
  if (parent.aborted) forward();
  else parent.addEventListener('abort', forward, { once: true });
  try {
    return await call(controller.signal);
  } finally {
    parent.removeEventListener('abort', forward);
  }
}
