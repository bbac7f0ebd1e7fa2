/**
 * Runs async tasks one after another. The SQLite driver uses it to make its read-modify-write
 * operations atomic with respect to each other: keyv offers only get and set, and in SQLite mode this
 * process is the only writer, so ordering its own tasks is all the atomicity needed.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every task queued before it has settled; resolves or rejects as `task` does. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    // The chain must survive a failed task, so the next one still runs.
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves when every task queued so far has settled (close() waits on it before disconnecting). */
  async drain(): Promise<void> {
    await this.#tail;
  }
}
