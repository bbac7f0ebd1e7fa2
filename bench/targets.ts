import type { BenchResults, TargetCheck } from './results.js';
import { round } from './stats.js';

const over = (v: number, limit: number, unit: string) =>
  v <= limit ? `${round(v)} ${unit}` : `${round(v)} ${unit} (${round(v - limit)} ${unit} over)`;

/** The targets against what was measured. */
export function checkTargets(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const [backend, platforms] of Object.entries(results.latency ?? {})) {
    for (const [platform, f] of Object.entries(platforms)) {
      checks.push({
        what: `added latency p50, ${platform}, ${backend}`,
        target: '≤ 30 ms',
        measured: over(f.p50, 30, 'ms'),
        met: f.p50 <= 30,
      });
      checks.push({
        what: `added latency p95, ${platform}, ${backend}`,
        target: '≤ 100 ms',
        measured: over(f.p95, 100, 'ms'),
        met: f.p95 <= 100,
      });
    }
  }
  // Issue 13: on a quiet server the chat platforms add little, and the console as a process adds
  // little over the least any streaming client does (the bare client, measured in the same run).
  for (const [backend, platforms] of Object.entries(results.latency ?? {})) {
    for (const platform of ['discord', 'slack'] as const) {
      const f = platforms[platform];
      checks.push({
        what: `added latency p50 on a quiet server, ${platform}, ${backend}`,
        target: '≤ 10 ms',
        measured: over(f.p50, 10, 'ms'),
        met: f.p50 <= 10,
      });
    }
  }
  const separate = results.consoleProcess;
  if (separate) {
    for (const [p, limit] of [
      ['p50', 5],
      ['p95', 15],
    ] as const) {
      checks.push({
        what: `console as a process (terminal): added latency ${p} over the bare streaming client (${round(separate.bare[p])} ms)`,
        target: `≤ ${limit} ms`,
        measured: over(separate.overBare[p], limit, 'ms'),
        met: separate.overBare[p] <= limit,
      });
    }
  }
  if (results.requests) {
    const a = results.requests.assistants.plain.median;
    const r = results.requests.responses.plain.median;
    checks.push({
      what: 'requests per plain answer, Assistants',
      target: '2',
      measured: String(a),
      met: a <= 2,
    });
    checks.push({
      what: 'requests per plain answer, Responses',
      target: '1',
      measured: String(r),
      met: r <= 1,
    });
  }
  for (const [platform, p] of Object.entries(results.pacing ?? {})) {
    if (!p) continue;
    checks.push({
      what: `${platform}: 429s from our pacing, ${p.conversations} answers`,
      target: '0',
      measured: String(p.rateLimited),
      met: p.rateLimited === 0,
    });
    checks.push({
      what: `${platform}: answers complete`,
      target: `${p.conversations}`,
      measured: String(p.complete),
      met: p.complete === p.conversations,
    });
    // Issue 13: the final text soon after the model's last token, whatever the contention.
    const lag = platform === 'slack' ? 5 : 3;
    if (p.finalLagS) {
      checks.push({
        what: `${platform}: model's last token → final text visible, p95, ${p.conversations} answers`,
        target: `≤ ${lag} s`,
        measured: over(p.finalLagS.p95, lag, 's'),
        met: p.finalLagS.p95 <= lag,
      });
    }
    if (platform === 'discord' && p.floorCalls) {
      const ratio = p.callsPerAnswer / p.floorCalls;
      checks.push({
        what: `discord: calls per answer against the floor (${p.floorCalls})`,
        target: '≤ ×1.5',
        measured: `×${round(ratio)} (${round(p.callsPerAnswer)} calls)`,
        met: ratio <= 1.5,
      });
    }
  }
  const busy = results.busy;
  if (busy) {
    checks.push({
      what: `slack, Tier 2 spent: model's first token → first text visible, p95, ${busy.answers} answers`,
      target: '≤ 1.5 s',
      measured: over(busy.firstTextS.p95, 1.5, 's'),
      met: busy.firstTextS.p95 <= 1.5 && busy.complete === busy.answers,
    });
  }
  const flood = results.flood;
  if (flood) {
    checks.push({
      what: `flood of ${flood.messages} messages in ${round(flood.floodS)} s: notices in the channel`,
      target: '≤ 2',
      measured: String(flood.noticesInChannel),
      met: flood.noticesInChannel <= 2,
    });
    checks.push({
      what: 'flood: another user’s first text, later than on a quiet server',
      target: '≤ 2 s',
      measured: over(flood.addedS, 2, 's'),
      met: flood.addedS <= 2,
    });
  }
  const levels = results.scale?.levels ?? [];
  const top = levels.at(-1);
  if (results.scale && top) {
    checks.push({
      what: `scale: answers complete at ${top.conversations}`,
      target: `${top.conversations}`,
      measured: String(top.completed),
      met: levels.every((l) => l.completed === l.conversations),
    });
    checks.push({
      what: `scale: event-loop delay p99 at ${top.conversations}`,
      target: '< 50 ms',
      measured: over(top.eventLoopDelayP99Ms, 50, 'ms'),
      met: top.eventLoopDelayP99Ms < 50,
    });
    checks.push({
      what: `scale: peak RSS at ${top.conversations}`,
      // Issue 13: at or below 400 MB with 1,000 concurrent conversations.
      target: '≤ 400 MB',
      measured: over(top.peakRssMb, 400, 'MB'),
      met: top.peakRssMb <= 400,
    });
    const g = results.scale.growth;
    checks.push({
      what: `scale: growth ${levels[0]?.conversations} → ${top.conversations} (time, memory)`,
      target: 'linear or better (≤ ×1 per conversation)',
      measured: `time ×${round(g.wallRatio / g.conversationsRatio)}, memory ×${round(g.rssAboveIdleRatio / g.conversationsRatio)} per conversation`,
      met: g.wallRatio <= g.conversationsRatio && g.rssAboveIdleRatio <= g.conversationsRatio,
    });
  }
  return checks;
}
