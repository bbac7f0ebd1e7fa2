import type { App, Context } from '@slack/bolt';
import { errorCode, USER_MESSAGES } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { APPROVE_ACTION_ID, DENY_ACTION_ID, STOP_ACTION_ID } from './blocks.js';
import type { SlackCommands } from './commands.js';
import type { Envelope, SlackInbound } from './inbound.js';
import type { BotIdentity, SlackMessageEvent } from './parse.js';

/** The slash commands the app manifest declares. */
export const SLASH_COMMANDS = ['/ask', '/reset', '/cancel'] as const;

/** One request the adapter finished with: what it was and what became of it. */
export interface HandledEvent {
  /** The event type (`app_mention`, `message`...), `command:/ask`, or `action:threadloom_stop`. */
  kind: string;
  outcome: string;
  /** The message's ts, for message events. */
  ts?: string;
}

interface Parts {
  inbound: SlackInbound;
  commands: SlackCommands;
  logger: Logger;
  onHandled: ((event: HandledEvent) => void) | undefined;
}

/** Loose shapes of the bodies we read; Bolt's own types are unions too wide to narrow usefully. */
interface EventBody {
  team_id?: string;
  event_id?: string;
}
interface AssistantThreadEvent {
  assistant_thread?: { user_id?: string; channel_id?: string; thread_ts?: string };
}
interface HomeEvent {
  user?: string;
  channel?: string;
  tab?: string;
}
interface ActionBody {
  team?: { id?: string } | null;
  channel?: { id?: string };
  user?: { id?: string };
}

/**
 * Wires Bolt's listeners to the adapter. Bolt acknowledges events before calling these, and commands
 * and actions call `ack()` first, so Slack hears back at once and the work happens after.
 */
export function registerListeners(app: App, { inbound, commands, logger, onHandled }: Parts): void {
  const handled = (event: HandledEvent) => {
    logger.debug(event, 'Slack: request handled');
    onHandled?.(event);
  };
  const envelope = (body: EventBody, context: Context): Envelope => ({
    team: body.team_id ?? context.teamId ?? '',
    eventId: body.event_id,
  });
  const bot = (context: Context): BotIdentity => ({ userId: context.botUserId, botId: context.botId });

  for (const kind of ['app_mention', 'message'] as const) {
    app.event(kind, async ({ event, body, context }) => {
      const message = event as unknown as SlackMessageEvent;
      const outcome = await inbound.onMessage(
        message,
        envelope(body, context),
        bot(context),
        kind === 'app_mention',
      );
      handled({ kind, outcome, ts: message.ts });
    });
  }

  app.event('assistant_thread_started', async ({ event, body, context }) => {
    const { team, eventId } = envelope(body, context);
    const thread = (event as unknown as AssistantThreadEvent).assistant_thread;
    if (!thread?.channel_id || !thread.thread_ts) return;
    if (eventId !== undefined && !(await inbound.claim(`event:${eventId}`))) {
      return handled({ kind: 'assistant_thread_started', outcome: 'duplicate' });
    }
    const origin = { team, channel: thread.channel_id, user: thread.user_id ?? '' };
    await commands.onAssistantThreadStarted(origin, thread.thread_ts);
    handled({ kind: 'assistant_thread_started', outcome: 'done' });
  });
  // The agent view: no assistant_thread_started; the messages tab opening is the moment to offer prompts.
  app.event('app_home_opened', async ({ event, body, context }) => {
    const home = event as unknown as HomeEvent;
    if (home.tab !== 'messages' || !home.channel)
      return handled({ kind: 'app_home_opened', outcome: 'ignored' });
    const { team } = envelope(body, context);
    await commands.onMessagesTabOpened({ team, channel: home.channel, user: home.user ?? '' });
    handled({ kind: 'app_home_opened', outcome: 'done' });
  });
  // What the user is looking at changed; answers do not depend on it, so it is only noted.
  for (const name of ['app_context_changed', 'assistant_thread_context_changed']) {
    app.event(name, async ({ event }) => {
      logger.debug({ channel: (event as { channel?: string }).channel }, `Slack: ${name}`);
      handled({ kind: name, outcome: 'noted' });
    });
  }

  for (const name of SLASH_COMMANDS) {
    app.command(name, async ({ command, ack, respond }) => {
      await ack();
      const reply = async (text: string) => {
        await respond({ response_type: 'ephemeral', text });
      };
      try {
        await commands.onCommand(command, reply);
      } catch (error) {
        // Never silent: the user hears what failed, by code (a store outage says so).
        logger.error({ err: error, command: name }, 'Slack: a command failed');
        await reply(USER_MESSAGES[errorCode(error)]).catch(() => undefined);
        return handled({ kind: `command:${name}`, outcome: 'failed' });
      }
      handled({ kind: `command:${name}`, outcome: 'done' });
    });
  }

  app.action(STOP_ACTION_ID, async ({ ack, body, action, respond }) => {
    await ack();
    const b = body as unknown as ActionBody;
    const origin = { team: b.team?.id ?? '', channel: b.channel?.id ?? '', user: b.user?.id ?? '' };
    const value = (action as { value?: string }).value ?? '';
    await commands.onStop(origin, value, async (text) => {
      await respond({ response_type: 'ephemeral', replace_original: false, text });
    });
    handled({ kind: `action:${STOP_ACTION_ID}`, outcome: 'done' });
  });

  for (const actionId of [APPROVE_ACTION_ID, DENY_ACTION_ID]) {
    app.action(actionId, async ({ ack, body, action, respond }) => {
      await ack();
      const b = body as unknown as ActionBody;
      const origin = { team: b.team?.id ?? '', channel: b.channel?.id ?? '', user: b.user?.id ?? '' };
      const approvalId = (action as { value?: string }).value ?? '';
      await commands.onApproval(origin, approvalId, actionId === APPROVE_ACTION_ID, async (text) => {
        await respond({ response_type: 'ephemeral', replace_original: false, text });
      });
      handled({ kind: `action:${actionId}`, outcome: 'done' });
    });
  }

  // The one error sink for listeners: logged with its code; users already heard back where it mattered.
  app.error(async (error) => {
    logger.error({ err: error, code: error.code }, 'Slack: a listener failed');
  });
}
