import type { ConversationKey } from '../../core/conversation.js';
import type { Logger } from '../../core/logger.js';
import { APPROVAL_REFUSALS } from '../../render/approval-view.js';
import type { AdapterOrchestrator, AdapterStore } from '../adapter.js';
import { type Block, MAX_MARKDOWN_LENGTH } from './blocks.js';
import type { SlackInbound } from './inbound.js';
import { type Origin, plainText, type SlackAddress, slackKey, surfaceOf } from './parse.js';
import type { RecentConversations } from './recent.js';
import { type SlackApi, slackErrorOf } from './slack-api.js';

/** A slash command's form fields (only those we read). */
export interface SlashCommand {
  command: string;
  text: string;
  team_id: string;
  channel_id: string;
  user_id: string;
  trigger_id?: string;
}

/** Answers the user who ran a command or pressed a button, privately (through `response_url`). */
export type Respond = (text: string) => Promise<void>;

/** Prompts offered when someone opens the assistant view or the app's messages tab. */
export const SUGGESTED_PROMPTS = [
  { title: 'Plot a function', message: 'Plot y = x^2 for x from -5 to 5.' },
  { title: 'Explain some code', message: 'Explain what this Python does: sum(x * x for x in range(10))' },
  { title: 'What time is it?', message: 'What time is it in Tokyo?' },
] as const;

/** Suggested prompts are offered again in the agent view at most this often per DM. */
const PROMPTS_EVERY_MS = 60 * 60 * 1000;

/** What commands and the assistant surfaces work with. */
export interface CommandDeps {
  orchestrator: AdapterOrchestrator;
  store: AdapterStore;
  logger: Logger;
  api: SlackApi;
  inbound: SlackInbound;
  recent: RecentConversations;
  isAllowed: (origin: Origin) => boolean;
  now: () => number;
  /** SLACK_APPROVER_USERS: they may decide any approval, besides the user who asked. */
  approverUsers: readonly string[];
}

/**
 * Slash commands (`/ask`, `/reset`, `/cancel`), the Stop button, and the assistant surfaces' events.
 * Commands are acknowledged by the caller before these run; the user hears back privately.
 */
export class SlackCommands {
  constructor(private readonly deps: CommandDeps) {}

  /** A slash command, already acknowledged: `/ask`, `/reset` or `/cancel`. */
  async onCommand(command: SlashCommand, respond: Respond): Promise<void> {
    const origin = { team: command.team_id, channel: command.channel_id, user: command.user_id };
    if (!this.deps.isAllowed(origin)) return respond('threadloom is not enabled here.');
    switch (command.command) {
      case '/ask':
        return this.ask(command, respond);
      case '/reset':
        return this.reset(origin, respond);
      case '/cancel':
        return this.cancel(origin, respond);
      default:
        return respond(`Unknown command ${command.command}.`);
    }
  }

  /** Posts the question as a root message attributed to the user, and answers in its thread. */
  private async ask(command: SlashCommand, respond: Respond): Promise<void> {
    const question = plainText(command.text, undefined);
    if (question === '') return respond('Usage: `/ask your question`');
    if (
      command.trigger_id !== undefined &&
      !(await this.deps.inbound.claim(`command:${command.trigger_id}`))
    ) {
      return;
    }
    let ts: string;
    try {
      const result = await this.deps.api.call('chat.postMessage', {
        channel: command.channel_id,
        ...(await this.askedBy(command.user_id)),
        ...questionBody(command.user_id, question),
      });
      ts = String(result.ts);
    } catch (error) {
      const code = slackErrorOf(error);
      this.deps.logger.warn({ err: error }, 'Slack: /ask could not post the question');
      if (code === 'not_in_channel' || code === 'channel_not_found') {
        return respond('I am not in this channel yet: invite me (`/invite @threadloom`), then ask again.');
      }
      return respond('I could not post your question here. Please try again.');
    }
    const address: SlackAddress = {
      team: command.team_id,
      channel: command.channel_id,
      thread: ts,
      user: command.user_id,
      surface: surfaceOf({ channel: command.channel_id }),
    };
    const key = slackKey(address.team, address.channel, ts);
    await this.deps.store.follows.follow(key, { since: this.deps.now(), startedBy: command.user_id });
    await this.deps.inbound.submit(address, key, ts, question);
  }

  /** The user's name and picture on the question (needs `chat:write.customize`); none if unknown. */
  private async askedBy(user: string): Promise<Record<string, string>> {
    try {
      const result = await this.deps.api.call('users.info', { user });
      const profile = (result.user as { profile?: Record<string, string> } | undefined)?.profile ?? {};
      const name = profile.display_name || profile.real_name;
      return {
        ...(name ? { username: name } : {}),
        ...(profile.image_72 ? { icon_url: profile.image_72 } : {}),
      };
    } catch (error) {
      this.deps.logger.debug({ err: error }, 'Slack: users.info failed; posting the question as the bot');
      return {};
    }
  }

  private async reset(origin: Origin, respond: Respond): Promise<void> {
    const key = this.deps.recent.of(origin.channel, origin.user).at(-1);
    if (!key) return respond('Nothing to reset here. Inside a thread, send `!reset`.');
    await this.deps.orchestrator.reset(key);
    return respond(
      'Started over: your latest conversation here begins afresh. In a thread, `!reset` does this.',
    );
  }

  private async cancel(origin: Origin, respond: Respond): Promise<void> {
    const keys = this.deps.recent.of(origin.channel, origin.user);
    const stopped = (await Promise.all(keys.map((key) => this.deps.orchestrator.cancel(key)))).filter(
      Boolean,
    );
    return respond(stopped.length > 0 ? 'Stopped.' : 'Nothing of yours is running here.');
  }

  /** The Stop button beside a streaming answer: its value is the conversation to cancel. */
  async onStop(origin: Origin, value: string, respond: Respond): Promise<void> {
    // The value is ours, but check it names this channel's conversation before acting on it.
    if (!this.deps.isAllowed(origin) || !value.startsWith(`slack:${origin.team}:${origin.channel}:`)) return;
    if (!(await this.deps.orchestrator.cancel(value as ConversationKey)))
      await respond('That answer has already ended.');
  }

  /**
   * Approve or Deny under an approval prompt: the value is the approval id. A click that did not count
   * (not the asker nor an approver, decided already, over) is answered privately.
   */
  async onApproval(origin: Origin, approvalId: string, approve: boolean, respond: Respond): Promise<void> {
    const result = await this.deps.orchestrator.decide(approvalId, {
      userId: origin.user,
      isApprover: this.deps.approverUsers.includes(origin.user),
      approve,
    });
    if (result !== 'accepted') await respond(APPROVAL_REFUSALS[result]);
  }

  /** The assistant view opened a thread: offer prompts. */
  async onAssistantThreadStarted(origin: Origin, thread: string): Promise<void> {
    if (!this.deps.isAllowed(origin)) return;
    await this.deps.api.call('assistant.threads.setSuggestedPrompts', {
      channel_id: origin.channel,
      thread_ts: thread,
      title: 'Try one of these',
      prompts: SUGGESTED_PROMPTS,
    });
  }

  /**
   * The agent view's messages tab opened (it has no assistant_thread_started): offer prompts, at most
   * once an hour per DM.
   */
  async onMessagesTabOpened(origin: Origin): Promise<void> {
    if (!this.deps.isAllowed(origin)) return;
    const fresh = await this.deps.store.dedupe.claim(`slack:prompts:${origin.channel}`, PROMPTS_EVERY_MS);
    if (!fresh) return;
    await this.deps.api.call('assistant.threads.setSuggestedPrompts', {
      channel_id: origin.channel,
      title: 'Try one of these',
      prompts: SUGGESTED_PROMPTS,
    });
  }
}

/** The /ask question as a root message: the words as written, and who asked. */
export function questionBody(user: string, text: string): { text: string; blocks: Block[] } {
  const question = text.slice(0, MAX_MARKDOWN_LENGTH);
  return {
    text: question,
    blocks: [
      { type: 'markdown', text: question },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `Asked by <@${user}> with /ask` }] },
    ],
  };
}
