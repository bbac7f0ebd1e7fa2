/** How long and how often {@link untilStatus} asks. */
export interface UntilStatusOptions {
  timeoutMs?: number;
  /** Pause between tries (a process start raises no event to await, so it is polled). */
  intervalMs?: number;
  /** The body must pass this too (e.g. a metric has reached a value). */
  bodyOk?: (body: string) => boolean;
}

/**
 * Polls an HTTP endpoint of a child process (its /readyz, /metrics) until it answers `status`, and
 * resolves with the body; rejects after the timeout, naming the endpoint.
 */
export async function untilStatus(
  url: string,
  status: number,
  { timeoutMs = 20_000, intervalMs = 50, bodyOk = () => true }: UntilStatusOptions = {},
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(url).catch(() => undefined);
    const body = response ? await response.text() : '';
    if (response?.status === status && bodyOk(body)) return body;
    if (Date.now() > deadline) throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
