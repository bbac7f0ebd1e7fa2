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

/** Which call `AnswerHolds.hold` catches: the method, the route template, and its JSON body. */
export interface HeldCall {
  method: string;
  /** e.g. `/channels/{channel_id}/messages`. */
  route: string;
  /** Default: any body. */
  matching?: (json: unknown) => boolean;
}

/**
 * Calls that take effect but whose answer never leaves, as when the client's process dies between
 * Discord doing the work and the client reading the answer: each hold catches one call.
 */
export class AnswerHolds {
  private readonly holds: (HeldCall & { taken: () => void })[] = [];

  /**
   * The next successful call like `call` takes effect (the message is made) and its answer is kept
   * back; the connection stays open until the client goes away. Resolves once that call was made.
   */
  hold(call: HeldCall): Promise<void> {
    return new Promise((taken) => this.holds.push({ ...call, method: call.method.toUpperCase(), taken }));
  }

  /** True when this call's answer is to be kept back (the hold is used, and told). */
  take(method: string, route: string, json: unknown): boolean {
    const index = this.holds.findIndex(
      (h) => h.method === method && h.route === route && (h.matching?.(json) ?? true),
    );
    if (index < 0) return false;
    this.holds.splice(index, 1)[0]?.taken();
    return true;
  }
}
