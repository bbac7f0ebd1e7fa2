/**
 * A local Slack for tests: the Web API, upload URLs, response URLs, a file host and Socket Mode on
 * 127.0.0.1, checked against ../shared/specs/slack-methods-ref.json; and a sender of signed requests.
 */
export { SlackBot, type SlackBotOptions, type Submission } from './bot-harness.js';
export { FakeSlack, type MethodFault, type RecordedCall, type RecordedResponse } from './fake-slack.js';
export type { FileRequest, HostedFile } from './file-host.js';
export { blocksProblem, SLACK_LIMITS, shownText } from './limits.js';
export * from './payloads.js';
export { type SignOptions, SlackSender, signature } from './sender.js';
export { checkArguments } from './spec.js';
export { FAKE_TEAM, type FakeMessage } from './state.js';
