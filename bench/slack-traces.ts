import type { RecordedCall } from '../test/fakes/slack/index.js';

/** The Slack methods the bench lets the fake enforce, as calls a minute per workspace (Slack's tiers). */
export const SLACK_TIERS: Readonly<Record<string, number>> = {
  'chat.startStream': 20,
  'chat.stopStream': 20,
  'chat.update': 50,
  'chat.delete': 50,
  'conversations.replies': 50,
  'reactions.add': 50,
  'chat.appendStream': 100,
  'chat.postEphemeral': 100,
};

type Json = Readonly<Record<string, unknown>>;

/** True when a successful call put answer text on Slack (a Markdown block, or streamed Markdown). */
export function carriesText(call: RecordedCall): boolean {
  if (!call.result.ok) return false;
  if (typeof call.args.markdown_text === 'string' && call.args.markdown_text.trim() !== '') return true;
  const blocks = Array.isArray(call.args.blocks) ? (call.args.blocks as Json[]) : [];
  return (
    /^chat\.(postMessage|update)$/.test(call.method) &&
    blocks.some((b) => b.type === 'markdown' && String(b.text ?? '').trim() !== '')
  );
}

/** The calls made in one channel. */
export function callsIn(calls: readonly RecordedCall[], channel: string): RecordedCall[] {
  return calls.filter((call) => (call.args.channel ?? call.args.channel_id) === channel);
}
