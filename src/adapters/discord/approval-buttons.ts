import { type ButtonInteraction, type GuildMember, MessageFlags } from 'discord.js';
import { APPROVAL_REFUSALS, parseApprovalAction } from '../../render/approval-view.js';
import type { AdapterOrchestrator } from '../adapter.js';
import { roleIdsOf } from './facts.js';

/**
 * A click on Approve or Deny under an approval prompt. A counted click is acknowledged as a message
 * update (the renderer then shows the outcome and removes the buttons); any other gets a reply only
 * the clicker sees. Members of `APPROVER_ROLES` may decide for anyone. Returns false for other buttons.
 */
export async function handleApprovalButton(
  interaction: ButtonInteraction,
  deps: { orchestrator: AdapterOrchestrator; approverRoles: readonly string[] },
): Promise<boolean> {
  const action = parseApprovalAction(interaction.customId);
  if (!action) return false;
  const roles = interaction.inGuild()
    ? roleIdsOf(interaction.member as GuildMember | { roles: string[] })
    : [];
  const result = await deps.orchestrator.decide(action.approvalId, {
    userId: interaction.user.id,
    isApprover: roles.some((role) => deps.approverRoles.includes(role)),
    approve: action.approve,
  });
  if (result === 'accepted') await interaction.deferUpdate();
  else await interaction.reply({ content: APPROVAL_REFUSALS[result], flags: MessageFlags.Ephemeral });
  return true;
}
