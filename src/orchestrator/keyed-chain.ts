/**
 * Runs tasks one after another per key (others run alongside): each waits for the previous task of
 * its key to settle, whether that succeeded or failed. Keys with nothing waiting are forgotten.
 */
export class KeyedChain<K> {
  private readonly last = new Map<K, Promise<void>>();

  run<T>(key: K, task: () => Promise<T>): Promise<T> {
    const previous = this.last.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.last.set(key, settled);
    void settled.then(() => {
      if (this.last.get(key) === settled) this.last.delete(key);
    });
    return result;
  }
}
