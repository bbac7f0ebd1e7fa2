import { describe, expect, it } from 'vitest';
import { consoleDriver } from './drivers/console.js';
import { discord } from './drivers/discord.js';
import type { DriverOptions, PlatformDriver } from './drivers/driver.js';
import { slackHttp } from './drivers/slack-http.js';
import { slackSocket } from './drivers/slack-socket.js';
import { web } from './drivers/web.js';
import { controlScenarios, refund } from './scenarios/controls.js';
import { conversationScenarios } from './scenarios/conversations.js';
import { ATTACHMENT_LIMIT, filesInScenarios } from './scenarios/files-in.js';
import { renderingScenarios } from './scenarios/rendering.js';
import { settingsScenarios } from './scenarios/settings.js';
import { sharedBot } from './scenarios/support.js';

/*
 * The twin scenario tests this suite replaced (issue 12, step 1), and the scenario that now covers each
 * on every platform that can do it. "+ rules" is the last scenario, which fails on any call a fake
 * refused, any message over a limit or with an open code block, any Slack stream left open.
 *
 * | removed test (test/integration/…)                                                  | scenario here                                  |
 * | ---------------------------------------------------------------------------------- | ---------------------------------------------- |
 * | discord-conversations › answers follow-ups in its own thread without a mention     | answers a follow-up without a mention          |
 * | discord-conversations › answers a message redelivered by a RESUME replay once      | answers a message the platform delivers twice  |
 * |                                                                                    |   once (Discord: a RESUME replay) + rules      |
 * | discord-conversations › Discord across a restart › still owns its threads          | continues the conversation after a restart     |
 * | discord-rendering › splits a long answer into messages of at most 2000 characters  | never truncates a long answer + rules          |
 * | discord-rendering › shows the code it ran … uploads the chart as a PNG             | shows the code it ran … the chart and the file |
 * | discord-rendering › attaches long code as code.py and long output as output.txt    | attaches code and output too long to show      |
 * | discord-rendering › shows a function call as one short line                        | shows a function call it made as one line      |
 * | discord-rendering › shows cited sources as numbered footnotes                      | shows cited sources as numbered footnotes      |
 * | discord-rendering › ends a failed run with a short message, without internals      | ends a failed answer with a short notice       |
 * | discord-rendering › TOOL_DISPLAY=summary shows one line per tool call              | TOOL_DISPLAY=summary shows … one line          |
 * | discord-approvals › shows the call … refuses a stranger's click … asker approves    | shows a call that needs approval … approves;   |
 * |                                                                                    |   refuses a stranger's decision …              |
 * | discord-approvals › lets a member of APPROVER_ROLES deny the call                  | does not run a call an approver denies         |
 * | discord-approvals › counts no decision within APPROVAL_TIMEOUT_MS as denied        | counts no decision … as a denial               |
 * | discord-commands › /reset starts a new conversation in the thread                  | starts the conversation over on reset          |
 * | discord-commands › /cancel stops the answer being written in the thread            | stops the answer being written                 |
 * | discord-platform-errors › downloads an attachment … gives it to the assistant      | gives a file attached to the question …        |
 * | discord-platform-errors › refuses an attachment over MAX_ATTACHMENT_MB             | refuses a file over MAX_ATTACHMENT_MB …        |
 * | discord-platform-errors › refuses a file whose download is larger than reported    | stops reading a file … larger than it said     |
 * | slack-exactly-once › answers the app_mention and message pair of one mention once  | answers a mention in its thread, exactly once  |
 * |                                                                                    |   (the Slack drivers send both events)         |
 * | slack-exactly-once › answers an event Slack retries (X-Slack-Retry-Num) once       | answers a message … delivers twice once (HTTP) |
 * | slack-triggers › answers a mention in … that message's thread, and follows it      | answers a mention in its thread …; follow-up   |
 * | slack-triggers › answers later messages in a followed thread without a mention     | answers a follow-up without a mention          |
 * | slack-commands › stops the running answer on !cancel in its thread                 | stops the answer being written                 |
 * | slack-commands › … afresh on !reset, and on a mention saying reset                 | starts the conversation over on reset (the     |
 * |                                                                                    |   mention form stays in slack-commands)        |
 * | slack-rendering › delivers a long answer whole, across several streamed messages  | never truncates a long answer + rules          |
 * | slack-rendering › uploads a chart the code made into the thread, with the code     | shows the code it ran … the chart and the file |
 * | slack-rendering › attaches code too long to show as code.py                        | attaches code and output too long to show      |
 * | slack-rendering › shows citations as numbered footnotes                            | shows cited sources as numbered footnotes      |
 * | slack-rendering › ends a failed run with a short message                           | ends a failed answer with a short notice       |
 * | slack-rendering › TOOL_DISPLAY=summary › shows the code interpreter's work as one  | TOOL_DISPLAY=summary shows … one line          |
 * | slack-approvals (the file) › the three approval tests                              | the four approval scenarios                    |
 * | slack-files › … gives it to the assistant (the bot-token check stays there)        | gives a file attached to the question …        |
 * | slack-files › does not download a file whose declared size is over the limit       | refuses a file over MAX_ATTACHMENT_MB …        |
 * | slack-files › stops reading a file that turns out larger than it said              | stops reading a file … larger than it said     |
 * | slack-files › does not download a file of a type the assistant cannot use          | refuses a file type the assistant cannot use   |
 * | slack-socket-mode › acknowledges an event envelope at once and answers in thread   | answers a mention in its thread (Socket Mode)  |
 * | slack-socket-mode › answers a redelivered envelope once                            | answers a message … twice once (Socket Mode)   |
 * | console › prints citations as numbered footnotes (both backends)                   | shows cited sources (console)                  |
 * | console-approvals › runs the call when the user answers y                          | shows a call that needs approval … (console)   |
 * | console-approvals › does not run the call when the user answers n                  | does not run a call an approver denies         |
 * | console-approvals › counts no answer within APPROVAL_TIMEOUT_MS as denied          | counts no decision … as a denial (console)     |
 *
 * New here, tested through no adapter before: messages queued during an answer, the per-user
 * rate-limit notice, the model service's rate-limit notice, two decisions on one approval at once,
 * output.txt on Slack, restarts on Slack and the console, and everything on Slack Socket Mode.
 */

/**
 * The contract every platform adapter passes: the same scenarios, written once, run over each
 * platform's test driver (test/contract/drivers). A driver acts as people and the platform do (a
 * mention, a follow-up, a click, a redelivery) and reads what the platform's fake recorded; nothing
 * here knows an adapter's insides. A scenario a platform cannot do is skipped with the reason in its
 * name. Platform-specific behaviour (Discord's shards, slash-command registration, Slack's assistant
 * pane, Socket Mode's connection, pacing and 429s, server errors...) stays in test/integration.
 */
const DRIVERS: readonly PlatformDriver[] = [discord, slackHttp, slackSocket, consoleDriver, web];

/** How every platform's shared bot is configured. */
const SHARED: DriverOptions = {
  tools: [refund],
  approvalTimeoutMs: 1500,
  maxAttachmentBytes: ATTACHMENT_LIMIT,
};

describe.each(DRIVERS)('adapter contract: $name', (platform) => {
  const bot = sharedBot(platform, SHARED);

  conversationScenarios(platform, bot);
  renderingScenarios(platform, bot);
  controlScenarios(platform, bot);
  filesInScenarios(platform, bot);
  settingsScenarios(platform);

  it('kept the platform’s rules in every call and every message', () => {
    expect(bot().brokenRules()).toEqual([]);
  });
});
