/**
 * Deciding on a tool call that waits for approval: what an adapter passes to the orchestrator when
 * someone clicks Approve or Deny, and what becomes of the click.
 */

/** Who clicked, and what: the adapter knows whether its platform counts them as an approver. */
export interface Decider {
  userId: string;
  /** A member of `APPROVER_ROLES` (Discord) or `SLACK_APPROVER_USERS` (Slack). */
  isApprover: boolean;
  approve: boolean;
}

/**
 * What became of a click: `not_allowed` (neither the user who asked nor an approver), `already_decided`
 * (decided, timed out or stopped before), `unknown` (no such approval, or its turn is over).
 */
export type DecideResult = 'accepted' | 'not_allowed' | 'already_decided' | 'unknown';
