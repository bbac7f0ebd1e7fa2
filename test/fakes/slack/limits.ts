/**
 * Slack's size limits, as the fake enforces them: a call past one gets Slack's error instead of being
 * silently truncated, so a test that passes means nothing was cut.
 */
export const SLACK_LIMITS = {
  /** chat.postMessage `text`: Slack truncates past 40,000; the fake refuses. */
  postText: 40_000,
  /** chat.update `text`: refused (msg_too_long) past about 4,000. */
  updateText: 4_000,
  /** All `markdown` blocks of one message together, and `markdown_text` per call. */
  markdown: 12_000,
  /**
   * One streamed message in all. Slack documents 12,000 per call; a streamed message renders as
   * Markdown, whose blocks hold 12,000 per message, so the fake holds streams to that too.
   */
  streamTotal: 12_000,
  blocks: 50,
  sectionText: 3_000,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2_000,
  actionId: 255,
  prompts: 4,
} as const;

type Json = Readonly<Record<string, unknown>>;

/** Why these blocks would be refused (`invalid_blocks`), or undefined when Slack takes them. */
export function blocksProblem(blocks: unknown): string | undefined {
  if (!Array.isArray(blocks)) return 'blocks is not an array';
  if (blocks.length > SLACK_LIMITS.blocks) return `${blocks.length} blocks (max ${SLACK_LIMITS.blocks})`;
  let markdown = 0;
  for (const [index, block] of (blocks as Json[]).entries()) {
    const problem = blockProblem(block);
    if (problem) return `block ${index}: ${problem}`;
    if (block.type === 'markdown') markdown += String(block.text).length;
  }
  if (markdown > SLACK_LIMITS.markdown)
    return `markdown blocks hold ${markdown} characters (max ${SLACK_LIMITS.markdown})`;
  return undefined;
}

function blockProblem(block: Json): string | undefined {
  switch (block.type) {
    case 'markdown':
      return typeof block.text === 'string' && block.text.length > 0 ? undefined : 'markdown without text';
    case 'section': {
      const text = (block.text as Json | undefined)?.text;
      if (typeof text !== 'string') return 'section without text';
      return text.length > SLACK_LIMITS.sectionText ? `section text of ${text.length}` : undefined;
    }
    case 'context': {
      const elements = block.elements as Json[] | undefined;
      if (!Array.isArray(elements) || elements.length === 0) return 'context without elements';
      if (elements.length > SLACK_LIMITS.contextElements) return 'too many context elements';
      const long = elements.find((e) => String(e.text ?? '').length > SLACK_LIMITS.sectionText);
      return long ? 'context text too long' : undefined;
    }
    case 'actions': {
      const elements = block.elements as Json[] | undefined;
      if (!Array.isArray(elements) || elements.length === 0) return 'actions without elements';
      if (elements.length > SLACK_LIMITS.actionsElements) return 'too many actions';
      for (const element of elements) {
        if (element.type !== 'button') continue;
        const label = String((element.text as Json | undefined)?.text ?? '');
        if (label.length === 0 || label.length > SLACK_LIMITS.buttonText) return 'button text length';
        if (String(element.value ?? '').length > SLACK_LIMITS.buttonValue) return 'button value too long';
        if (String(element.action_id ?? '').length > SLACK_LIMITS.actionId) return 'action_id too long';
      }
      return undefined;
    }
    case 'rich_text':
    case 'divider':
    case 'image':
    case 'header':
    case 'file':
      return undefined;
    default:
      return `unknown block type ${String(block.type)}`;
  }
}

/** The text a message shows: its markdown blocks (or streamed Markdown), else its `text`. */
export function shownText(message: { text?: string; blocks?: readonly Json[]; markdown?: string }): string {
  if (message.markdown !== undefined) return message.markdown;
  const markdown = (message.blocks ?? []).filter((b) => b.type === 'markdown').map((b) => String(b.text));
  return markdown.length > 0 ? markdown.join('\n') : (message.text ?? '');
}
