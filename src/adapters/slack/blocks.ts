/**
 * Message bodies. Answers are standard Markdown (what the model writes), shown with Slack's `markdown`
 * block, which renders headings, bold, links, lists, code blocks and tables as written; `text` carries
 * the same words for notifications and clients without blocks.
 */

/**
 * One message's Markdown: the `markdown` block holds at most 12,000 characters (all markdown blocks of a
 * message together), and so does `markdown_text` per streaming call.
 */
export const MAX_MARKDOWN_LENGTH = 12_000;

/**
 * `text` beside blocks is only the notification and fallback: Slack truncates it (and `chat.update`
 * refuses it) past about 4,000 characters, so it is cut well before.
 */
export const MAX_FALLBACK_TEXT = 3_000;

/** The action id of the Stop button; its value is the conversation key to cancel. */
export const STOP_ACTION_ID = 'threadloom_stop';

/** The action ids of an approval prompt's buttons; their value is the approval id. */
export const APPROVE_ACTION_ID = 'threadloom_approve';
export const DENY_ACTION_ID = 'threadloom_deny';

/** A Slack block, as plain JSON. */
export type Block = Readonly<Record<string, unknown>>;

/** Arguments of `chat.postMessage` / `chat.update` that show `markdown` as the message. */
export function markdownBody(markdown: string): { text: string; blocks: Block[] } {
  return { text: fallbackText(markdown), blocks: [{ type: 'markdown', text: markdown }] };
}

/** The start of `markdown`, cut at a word, for notifications. */
export function fallbackText(markdown: string, max = MAX_FALLBACK_TEXT): string {
  if (markdown.length <= max) return markdown;
  const cut = markdown.lastIndexOf(' ', max - 1);
  return `${markdown.slice(0, cut > max / 2 ? cut : max - 1)}…`;
}

/** The working line's blocks: its status in small type, and the Stop button. */
function workingBlocks(status: string, key: string): Block[] {
  return [
    { type: 'context', elements: [{ type: 'mrkdwn', text: `_${escapeMrkdwn(status)}_` }] },
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: STOP_ACTION_ID,
          text: { type: 'plain_text', text: 'Stop' },
          style: 'danger',
          value: key,
        },
      ],
    },
  ];
}

/**
 * The small message that shows a run is going, with its Stop button (see working.ts). Slack's
 * streaming messages take no interactive blocks while they stream (`chat.startStream` has no
 * `blocks`), so beside a stream the button lives here, and the message goes when the run ends.
 */
export function workingBody(status: string, key: string): { text: string; blocks: Block[] } {
  return { text: status, blocks: workingBlocks(status, key) };
}

/**
 * The working line once the answer's text took it over: the text above, the status and the Stop
 * button below, in one message, for as long as the run goes.
 */
export function answerWorkingBody(
  markdown: string,
  status: string,
  key: string,
): { text: string; blocks: Block[] } {
  return {
    text: fallbackText(markdown),
    blocks: [{ type: 'markdown', text: markdown }, ...workingBlocks(status, key)],
  };
}

/**
 * A tool call waiting for approval: what it will do, and Approve / Deny buttons (left out once it is
 * decided, when `outcome` is the line that says how).
 */
export function approvalBody(
  prompt: { title: string; code: string; note: string },
  approvalId: string,
  outcome?: string,
): { text: string; blocks: Block[] } {
  const blocks: Block[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `${prompt.title}\n\`\`\`${prompt.code}\`\`\`` } },
  ];
  if (outcome === undefined) {
    blocks.push(
      { type: 'context', elements: [{ type: 'mrkdwn', text: prompt.note }] },
      {
        type: 'actions',
        block_id: 'approval',
        elements: [
          {
            type: 'button',
            action_id: APPROVE_ACTION_ID,
            text: { type: 'plain_text', text: 'Approve' },
            style: 'primary',
            value: approvalId,
          },
          {
            type: 'button',
            action_id: DENY_ACTION_ID,
            text: { type: 'plain_text', text: 'Deny' },
            style: 'danger',
            value: approvalId,
          },
        ],
      },
    );
  } else {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: outcome }] });
  }
  return { text: outcome === undefined ? prompt.title : `${prompt.title} ${outcome}`, blocks };
}

/** A short line that is not part of the answer (a notice, an ending, an error). */
export function noticeBody(text: string, emoji = ':information_source:'): { text: string; blocks: Block[] } {
  return {
    text,
    blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: `${emoji} ${escapeMrkdwn(text)}` }] }],
  };
}

/** mrkdwn needs only its three HTML escapes to show text literally. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
