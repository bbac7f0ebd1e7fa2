import { slackDriver } from './slack.js';

/** Slack in HTTP mode: Events API callbacks and interactivity as signed requests to the app's receiver. */
export const slackHttp = slackDriver('Slack (HTTP)', {
  socketMode: false,
  async event(bot, envelope, retry) {
    const response = await bot.sender.event(envelope, retry > 0 ? { retryNum: retry } : {});
    if (response.status !== 200)
      throw new Error(`the bot answered HTTP ${response.status}: ${response.body}`);
  },
  async action(bot, payload) {
    const response = await bot.sender.action(payload);
    if (response.status !== 200)
      throw new Error(`the bot answered HTTP ${response.status}: ${response.body}`);
  },
});
