import { MessageFlags } from 'discord.js';
import type { FakeDiscord } from './fake-discord.js';
import { dispatchMessage } from './routes/context.js';
import type { FakeMessage } from './world.js';

/**
 * A user forwards a message (Discord's "Forward"): a new message in `to` with empty content, the
 * HAS_SNAPSHOT flag, `message_reference.type` FORWARD (1) pointing at the original, and the original's
 * content and attachments only in `message_snapshots[0].message` (see payloads.ts), as Discord sends it.
 * The original may be anywhere, also where the bot cannot see.
 */
export function forwardMessage(
  fake: FakeDiscord,
  input: { messageId: string; to: string; authorId: string },
): FakeMessage {
  const original = fake.message(input.messageId);
  fake.channel(input.to);
  const forward = fake.world.addMessage({
    channelId: input.to,
    authorId: input.authorId,
    content: '',
    flags: MessageFlags.HasSnapshot,
    forwardOf: original,
  });
  dispatchMessage({ world: fake.world, gateway: fake.gateway }, 'MESSAGE_CREATE', forward);
  return forward;
}
