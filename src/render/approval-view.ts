import type { DecideResult } from '../core/approval.js';
import type { ApprovalOutcome, ReplyEvent } from '../core/reply-events.js';

/** What the user who clicked is told when the click did not count (only they see it). */
export const APPROVAL_REFUSALS: Record<Exclude<DecideResult, 'accepted'>, string> = {
  not_allowed: 'Only the person who asked, or an approver, can decide this.',
  already_decided: 'This was already decided.',
  unknown: 'This request is no longer waiting for a decision.',
};

/** An approval prompt, as the adapters get it. */
export type ApprovalRequested = Extract<ReplyEvent, { type: 'approval.requested' }>;

/** What the Approve and Deny controls carry: a prefix and the approval id (Discord custom_id, Slack value). */
const ACTION_PREFIX = { approve: 'threadloom:approve:', deny: 'threadloom:deny:' } as const;

/** The control value of Approve (`approve`) or Deny for an approval. */
export function approvalAction(approvalId: string, approve: boolean): string {
  return `${approve ? ACTION_PREFIX.approve : ACTION_PREFIX.deny}${approvalId}`;
}

/** Reads a control value back; undefined for anything that is not an approval control. */
export function parseApprovalAction(value: string): { approvalId: string; approve: boolean } | undefined {
  for (const approve of [true, false]) {
    const prefix = approve ? ACTION_PREFIX.approve : ACTION_PREFIX.deny;
    if (value.startsWith(prefix) && value.length > prefix.length) {
      return { approvalId: value.slice(prefix.length), approve };
    }
  }
  return undefined;
}

/** The tool as people read it: `server/tool` for MCP calls. */
export function toolLabel(event: ApprovalRequested): string {
  return event.server === undefined ? event.tool : `${event.server}/${event.tool}`;
}

/** The call's arguments, indented JSON when they parse, cut to `max` characters. */
export function prettyArguments(raw: string, max: number): string {
  let text = raw.trim() === '' ? '{}' : raw;
  try {
    text = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // Shown as the model wrote it.
  }
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** How long is left to decide, roughly: "10 minutes", "45 seconds". */
export function timeLeft(expiresAt: number, now: number): string {
  const seconds = Math.max(0, Math.round((expiresAt - now) / 1000));
  if (seconds < 90) return `${seconds} seconds`;
  const minutes = Math.round(seconds / 60);
  return minutes < 90 ? `${minutes} minutes` : `${Math.round(minutes / 60)} hours`;
}

/** The line that replaces the controls once the call is decided; `mention` shows a user id. */
export function outcomeLine(
  outcome: ApprovalOutcome,
  by: string | undefined,
  mention: (id: string) => string,
): string {
  const who = by === undefined ? '' : ` by ${mention(by)}`;
  switch (outcome) {
    case 'approved':
      return `✅ Approved${who}`;
    case 'denied':
      return `❌ Denied${who}`;
    case 'timeout':
      return '⌛ No decision in time: not run';
    case 'cancelled':
      return '⏹️ The answer was stopped: not run';
  }
}
