import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { startFakeOpenAI } from '../src/model-server/index.js';
import type { FakeSlack } from '../test/fakes/slack/index.js';
import { BenchBot, OPEN_SLACK_RATES } from './bot.js';

/**
 * Scenario 4's bot process: the real bot (Slack adapter, Responses backend) alone in its process, so
 * that its event-loop delay, memory and CPU are its own. The parent (bench/scale.ts) runs the fakes and
 * talks to it over IPC: `start` begins measuring, `stop` answers with the figures.
 */
interface Setup {
  openaiUrl: string;
  slackApiUrl: string;
  slackHost: string;
}

const setup = JSON.parse(process.env.BENCH_SCALE_SETUP ?? '{}') as Setup;
// The adapters need fake objects only for their URLs, token and hosts: stand-ins with those.
const openai = { url: setup.openaiUrl } as Awaited<ReturnType<typeof startFakeOpenAI>>;
const slack = { apiUrl: setup.slackApiUrl, host: setup.slackHost } as FakeSlack;
const bot = await BenchBot.start({ backend: 'responses', openai, slack, slackRates: OPEN_SLACK_RATES });
const histogram = monitorEventLoopDelay({ resolution: 10 });
let peakRss = 0;
let sampler: NodeJS.Timeout | undefined;
let cpuAtStart = process.cpuUsage();
const idleRss = process.memoryUsage.rss();

process.on('message', (message: { type: string }) => {
  if (message.type === 'start') {
    histogram.reset();
    histogram.enable();
    cpuAtStart = process.cpuUsage();
    peakRss = process.memoryUsage.rss();
    sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }, 50);
    process.send?.({ type: 'started' });
  }
  if (message.type === 'stop') {
    histogram.disable();
    clearInterval(sampler);
    const cpu = process.cpuUsage(cpuAtStart);
    process.send?.({
      type: 'stats',
      eventLoopDelayP99Ms: histogram.percentile(99) / 1e6,
      peakRssMb: Math.max(peakRss, process.memoryUsage.rss()) / 2 ** 20,
      idleRssMb: idleRss / 2 ** 20,
      cpuS: (cpu.user + cpu.system) / 1e6,
    });
  }
  if (message.type === 'close') {
    void bot.close().then(() => process.exit(0));
  }
});
process.send?.({ type: 'ready', port: bot.slackPort });
