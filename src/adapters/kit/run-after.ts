/**
 * Runs `fn` after `waitMs`, and returns what calls it off. A wait of 0 runs it once this turn of the
 * event loop is done (`setImmediate`), with everything that arrived in the same turn, not at the next
 * timer tick: a timer of 0 waits a millisecond or more, which an answer's first text pays on the
 * critical path.
 */
export function runAfter(waitMs: number, fn: () => void): () => void {
  if (waitMs <= 0) {
    const immediate = setImmediate(fn);
    return () => clearImmediate(immediate);
  }
  const timer = setTimeout(fn, waitMs);
  return () => clearTimeout(timer);
}
