/** How many marks a process remembers at most; the oldest are forgotten first. */
export const DEFAULT_RECENT_MARKS = 10_000;

/**
 * The dedupe marks this process claimed lately, by whom (a holder: one delivery of one event), kept
 * in memory beside the store until they expire. A store that cannot be reached, or that restarted
 * without its data, must not make this process take an event it already took. Bounded: past `max`
 * marks the oldest go (about 100 bytes each).
 */
export class RecentMarks {
  readonly #marks = new Map<string, { holder: string; expiresAt: number }>();

  constructor(
    private readonly max: number = DEFAULT_RECENT_MARKS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Who claimed `mark`, while the claim lasts. */
  holderOf(mark: string): string | undefined {
    const entry = this.#marks.get(mark);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > this.now()) return entry.holder;
    this.#marks.delete(mark);
    return undefined;
  }

  remember(mark: string, holder: string, ttlMs: number): void {
    this.#marks.delete(mark);
    this.#marks.set(mark, { holder, expiresAt: this.now() + ttlMs });
    if (this.#marks.size > this.max) {
      const oldest = this.#marks.keys().next().value;
      if (oldest !== undefined) this.#marks.delete(oldest);
    }
  }

  /** Forgets `mark` if `holder` is the one remembered for it (its claim was refused after all). */
  forget(mark: string, holder: string): void {
    if (this.#marks.get(mark)?.holder === holder) this.#marks.delete(mark);
  }

  get size(): number {
    return this.#marks.size;
  }
}
