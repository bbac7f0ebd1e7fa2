/** A server error the fake answers instead of Discord's real answer. */
export interface ServerFault {
  /** `POST`, `PATCH`... */
  method: string;
  /** The route template, e.g. `/channels/{channel_id}/messages`. */
  route: string;
  /** 500, 502, 503, 504... */
  status: number;
  /** How many matching calls still fail. */
  remaining: number;
  /**
   * `true`: the call takes effect and only then fails, as when Discord made the message but the answer
   * was lost to a gateway timeout; `false`: it fails before anything happens.
   */
  afterHandling: boolean;
}

/** One-shot server errors by route: "fail the next N requests to route X with status S". */
export class ServerFaults {
  private readonly faults: ServerFault[] = [];

  add(fault: ServerFault): void {
    this.faults.push(fault);
  }

  /** The fault for this call, if any (counted as used). */
  take(method: string, route: string): ServerFault | undefined {
    const fault = this.faults.find((f) => f.method === method && f.route === route && f.remaining > 0);
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.faults.splice(this.faults.indexOf(fault), 1);
    return fault;
  }

  /** Faults that have not fired yet. */
  get pending(): number {
    return this.faults.reduce((sum, f) => sum + f.remaining, 0);
  }
}

/** What Discord's edge answers with a 5xx (no JSON error code: nothing for a client to act on). */
export function serverErrorBody(status: number): { message: string; code: number } {
  return { message: `${status}: Server Error`, code: 0 };
}

/** A call whose answer the fake keeps back (see `FakeDiscord.holdAnswer`). */
interface HeldAnswer {
  method: string;
  route: string;
  matching: (json: unknown) => boolean;
  taken: () => void;
}

/**
 * Calls that take effect but whose answer never leaves, as when the client's process dies between
 * Discord doing the work and the client reading the answer: each hold catches one call.
 */
export class AnswerHolds {
  private readonly holds: HeldAnswer[] = [];

  add(hold: HeldAnswer): void {
    this.holds.push(hold);
  }

  /** True when this call's answer is to be kept back (the hold is used, and told). */
  take(method: string, route: string, json: unknown): boolean {
    const index = this.holds.findIndex((h) => h.method === method && h.route === route && h.matching(json));
    if (index < 0) return false;
    this.holds.splice(index, 1)[0]?.taken();
    return true;
  }
}
