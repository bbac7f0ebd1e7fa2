import { slackDriver } from './slack.js';

/** Slack in Socket Mode: the same bodies in envelopes over the WebSocket the app opened. */
export const slackSocket = slackDriver('Slack (Socket Mode)', {
  socketMode: true,
  async event(bot, envelope, retry) {
    await bot.slack.socket.send('events_api', envelope, retry);
  },
  async action(bot, payload) {
    await bot.slack.socket.send('interactive', payload);
  },
});
