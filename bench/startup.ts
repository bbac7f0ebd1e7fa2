import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeOpenAI } from '../src/model-server/index.js';
import { startFakeDiscord } from '../test/fakes/discord/index.js';
import { FAKE_TEAM, FakeSlack } from '../test/fakes/slack/index.js';
import { freePort } from '../test/support/free-port.js';
import { untilStatus } from '../test/support/until-status.js';
import { PRODUCTION_NODE_FLAGS } from './production-flags.js';
import { median, now, sleep } from './stats.js';

const ROOT = join(import.meta.dirname, '..');

/** How the real process is started: the built JavaScript (`npm start`), or through tsx (smoke runs). */
export type EntryKind = 'dist' | 'tsx';

export interface StartupFigures {
  starts: number;
  /** Process spawned -> /readyz answers 200 (store reachable, Discord and Slack connected). */
  startToReadyMs: number;
  /** Resident memory one second after ready, nothing happening. */
  idleRssMb: number;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/**
 * Scenario 6: `npm start` as a real process with Discord and Slack (Socket Mode) configured against the
 * fakes; the time from spawning it until /readyz says both adapters are connected, and its idle RSS.
 */
export async function measureStartup(starts: number, entry: EntryKind): Promise<StartupFigures> {
  const openai = await startFakeOpenAI();
  const discord = await startFakeDiscord();
  const slack = await FakeSlack.start();
  const dir = mkdtempSync(join(tmpdir(), 'threadloom-bench-start-'));
  const times: number[] = [];
  const rss: number[] = [];
  try {
    for (let i = 0; i < starts; i++) {
      const port = await freePort();
      const args =
        entry === 'dist'
          ? [...PRODUCTION_NODE_FLAGS, join(ROOT, 'dist/src/main.js')]
          : ['--import', import.meta.resolve('tsx'), join(ROOT, 'src/main.ts')];
      const startedAt = now();
      const child = spawn(process.execPath, args, {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? '',
          OPENAI_API_KEY: 'bench',
          OPENAI_BASE_URL: openai.url,
          DISCORD_TOKEN: discord.token,
          DISCORD_API_URL: discord.apiUrl,
          SLACK_BOT_TOKEN: FAKE_TEAM.botToken,
          SLACK_APP_TOKEN: FAKE_TEAM.appToken,
          SLACK_API_URL: slack.apiUrl,
          PORT: String(port),
          STORE_URL: `sqlite://${join(dir, `bot-${i}.sqlite`)}`,
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      try {
        await untilStatus(`http://127.0.0.1:${port}/readyz`, 200, { timeoutMs: 30_000, intervalMs: 5 });
        times.push(now() - startedAt);
        await sleep(1000);
        if (child.pid !== undefined) rss.push(rssMb(child.pid));
      } finally {
        child.kill('SIGTERM');
        await exited;
      }
    }
  } finally {
    await openai.close();
    await discord.close();
    await slack.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return { starts, startToReadyMs: median(times), idleRssMb: median(rss) };
}
