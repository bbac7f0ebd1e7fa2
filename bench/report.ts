import type { ProcessLatency } from './console-process.js';
import type { FloodFigures } from './flood.js';
import type { PacingFigures } from './pacing.js';
import type { BenchResults, TargetCheck } from './results.js';
import type { BusyWorkspaceFigures } from './slack-busy.js';
import { round } from './stats.js';

const r = (value: number | undefined) => (value === undefined ? '–' : String(round(value)));

function table(head: string[], rows: (string | number)[][]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
}

/** The results as Markdown tables: printed by `npm run bench` and pasted into docs/performance.md. */
export function renderReport(results: BenchResults): string {
  const out: string[] = [];
  const { meta } = results;
  out.push(
    `threadloom benchmarks, ${meta.date.slice(0, 10)}, size ${meta.size}: Node ${meta.node}, ${meta.cpus} × ${meta.cpuModel}` +
      (meta.durationS === undefined ? '' : `, ${Math.round(meta.durationS)} s`) +
      (meta.ran ? `; ran ${meta.ran.join(', ')}` : '') +
      (meta.carriedFrom ? `, the other figures from the run of ${meta.carriedFrom.slice(0, 10)}` : '') +
      (meta.note ? `. ${meta.note}` : ''),
    '',
  );
  if (results.latency) {
    const rows: (string | number)[][] = [];
    for (const backend of ['assistants', 'responses'] as const) {
      for (const platform of ['console', 'discord', 'slack', 'web'] as const) {
        const f = results.latency[backend][platform];
        rows.push([backend, platform, f.turns, r(f.p50), r(f.p95), r(f.firstTurnP50), r(f.modelTtftP50)]);
      }
    }
    const c = results.consoleProcess;
    if (c) {
      const row = (who: string, f: ProcessLatency) => [
        who,
        'own process, terminal',
        f.turns,
        r(f.p50),
        r(f.p95),
        '–',
        r(f.modelTtftP50),
      ];
      rows.push(row('responses', c.console), row('bare streaming client (floor)', c.bare));
    }
    const b = results.baseline?.latency;
    if (b) rows.push(['seed loop (baseline, ceiling)', 'in memory', b.turns, r(b.p50), r(b.p95), '–', '–']);
    out.push(
      '**1. Added latency** (ms; event on the platform → first answer text there, minus the model’s own time to first token; “own process, terminal”: a line typed into the process in a pseudo-terminal → the first answer text it shows there)',
      '',
    );
    out.push(
      ...table(['backend', 'adapter', 'turns', 'p50', 'p95', 'first turn p50', 'model TTFT p50'], rows),
      '',
    );
    if (c)
      out.push(
        `The console as its own process adds ${r(c.overBare.p50)} ms (p50) and ${r(c.overBare.p95)} ms (p95) over the bare client in the same run; the line reached the model service ${r(c.console.toRequestP50)} ms after it was typed (bare client: ${r(c.bare.toRequestP50)} ms, p50).`,
        '',
      );
  }
  if (results.requests) {
    const kinds = ['plain', 'image', 'functions'] as const;
    const rows = (['assistants', 'responses'] as const).map((backend) => [
      backend,
      ...kinds.map((k) => r(results.requests?.[backend][k].median)),
    ]);
    const seed = results.baseline?.requests;
    if (seed) rows.push(['seed loop (baseline)', ...kinds.map((k) => r(seed[k].median))]);
    out.push('**2. Requests to the model service per answer** (existing conversation)', '');
    out.push(
      ...table(['backend', 'plain text', 'code-interpreter image', 'two rounds of function calls'], rows),
      '',
    );
  }
  if (results.pacing) {
    const before = results.previous;
    const rows: (string | number)[][] = [];
    for (const platform of ['discord', 'slack'] as const) {
      const p = results.pacing[platform];
      if (p) rows.push(pacingRow(platform + (p.timeScale ? ` (×${p.timeScale} time)` : ''), p));
      const q = before?.pacing?.[platform];
      if (q) rows.push(pacingRow(`${platform}, previous run (${before?.meta.date.slice(0, 10)})`, q));
    }
    out.push(
      '**3. Platform calls** (concurrent answers of 2,000 words each in one guild / workspace, real budgets)',
      '',
    );
    out.push(
      ...table(
        [
          'platform',
          'complete',
          '429s',
          'calls / answer (floor)',
          'edits / message / s',
          'calls / s mean / peak',
          'first→last text s p50 / p95',
          'model end → final text s p50 / p95',
          'wall s',
        ],
        rows,
      ),
      '',
    );
  }
  if (results.busy) {
    const rows = [busyRow('this run', results.busy)];
    if (results.previous?.busy) rows.push(busyRow('previous run', results.previous.busy));
    out.push(
      `**3b. A busy Slack workspace** (${results.busy.holding} answers holding Tier 2 with open streams; new answers of about 2 s of model time, one every ${r(results.busy.spacingS)} s; real time, Slack's limits)`,
      '',
      ...table(
        [
          'run',
          'answers complete',
          '429s',
          'first token → first text s p50 / p95',
          'last token → final text s p50 / p95',
        ],
        rows,
      ),
      '',
    );
  }
  if (results.flood) {
    const rows = [floodRow('this run', results.flood)];
    if (results.previous?.flood) rows.push(floodRow('previous run', results.previous.flood));
    out.push(
      `**3c. One user floods a Slack channel** (${results.flood.messages} mentions in about ${r(results.flood.floodS)} s, RATE_LIMIT_PER_USER_PER_MIN=${results.flood.perUserPerMinute}; another user asks in the same channel halfway through)`,
      '',
      ...table(
        [
          'run',
          'notices in the channel',
          'ephemeral replies',
          'other user: first text s',
          'same question, quiet server s',
          'added s',
          '429s',
        ],
        rows,
      ),
      '',
    );
  }
  if (results.scale) {
    const s = results.scale;
    out.push(
      `**4. Scale** (one process, ${s.tokensPerAnswer} tokens per answer at ${s.tokensPerSecond} tokens/s)`,
      '',
    );
    out.push(
      ...table(
        [
          'conversations',
          'complete',
          'wall s',
          'event-loop delay p99 ms',
          'peak RSS MB',
          'idle RSS MB',
          'CPU s',
        ],
        s.levels.map((l) => [
          l.conversations,
          l.completed,
          r(l.wallS),
          r(l.eventLoopDelayP99Ms),
          r(l.peakRssMb),
          r(l.idleRssMb),
          r(l.cpuS),
        ]),
      ),
      '',
      `Growth ×${r(s.growth.conversationsRatio)} conversations: wall time ×${r(s.growth.wallRatio)}, memory above idle ×${r(s.growth.rssAboveIdleRatio)}, CPU ×${r(s.growth.cpuRatio)}.`,
      '',
    );
  }
  if (results.baseline) {
    const { ratios } = results.baseline;
    out.push('**5. Against the seed’s loop** (ours ÷ seed, same run; below 1 is better)', '');
    const kinds = ['plain', 'image', 'functions'];
    out.push(
      ...table(
        ['figure', 'ratio'],
        [
          ['added latency p50 (console, Assistants)', r(ratios.latencyP50)],
          ['added latency p95 (console, Assistants)', r(ratios.latencyP95)],
          ...(['assistants', 'responses'] as const).flatMap((backend) =>
            kinds.map((k) => [`requests per answer, ${k}, ${backend}`, r(ratios.requests[backend][k])]),
          ),
        ],
      ),
      '',
    );
  }
  if (results.startup) {
    const s = results.startup;
    out.push('**6. Start-up** (`npm start`, Discord and Slack connected to the fakes)', '');
    out.push(
      ...table(
        ['starts', 'start → ready ms (median)', 'idle RSS MB'],
        [[s.starts, r(s.startToReadyMs), r(s.idleRssMb)]],
      ),
      '',
    );
  }
  out.push(...againstPrevious(results));
  if (results.targets) {
    out.push('**Targets**', '');
    out.push(
      ...table(
        ['figure', 'target', 'measured', 'met'],
        results.targets.map((t: TargetCheck) => [t.what, t.target, t.measured, t.met ? 'yes' : '**no**']),
      ),
      '',
    );
  }
  return out.join('\n');
}

function pacingRow(name: string, p: PacingFigures): (string | number)[] {
  return [
    name,
    `${p.complete}/${p.conversations}`,
    p.rateLimited,
    `${r(p.callsPerAnswer)} (${p.floorCalls === undefined ? '–' : r(p.floorCalls)})`,
    r(p.editsPerMessagePerSecond),
    `${r(p.callsPerSecondMean)} / ${r(p.callsPerSecondPeak)}`,
    `${r(p.firstToLastS.p50)} / ${r(p.firstToLastS.p95)}`,
    p.finalLagS === undefined ? '–' : `${r(p.finalLagS.p50)} / ${r(p.finalLagS.p95)}`,
    r(p.wallS),
  ];
}

function busyRow(name: string, b: BusyWorkspaceFigures): (string | number)[] {
  return [
    name,
    `${b.complete}/${b.answers}`,
    b.rateLimited,
    `${r(b.firstTextS.p50)} / ${r(b.firstTextS.p95)}`,
    `${r(b.finalLagS.p50)} / ${r(b.finalLagS.p95)}`,
  ];
}

function floodRow(name: string, f: FloodFigures): (string | number)[] {
  return [
    name,
    f.noticesInChannel,
    f.ephemeralReplies,
    r(f.otherFirstTextS),
    r(f.quietFirstTextS),
    r(f.addedS),
    f.rateLimited,
  ];
}

/** The figures of every scenario beside the run before (`previous`), when there was one. */
function againstPrevious(results: BenchResults): string[] {
  const before = results.previous;
  if (!before) return [];
  const rows: (string | number)[][] = [];
  const add = (what: string, now: number | undefined, then: number | undefined) => {
    if (now === undefined && then === undefined) return;
    rows.push([what, r(now), r(then)]);
  };
  for (const backend of ['assistants', 'responses'] as const) {
    for (const platform of ['console', 'discord', 'slack'] as const) {
      const now = results.latency?.[backend][platform];
      const then = before.latency?.[backend][platform];
      add(`added latency p50 ms, ${platform}, ${backend}`, now?.p50, then?.p50);
      add(`added latency p95 ms, ${platform}, ${backend}`, now?.p95, then?.p95);
    }
    for (const kind of ['plain', 'image', 'functions'] as const) {
      add(
        `requests per answer, ${kind}, ${backend}`,
        results.requests?.[backend][kind].median,
        before.requests?.[backend][kind].median,
      );
    }
  }
  const separate = results.consoleProcess;
  const separateBefore = before.consoleProcess;
  add('console as a process, added p50 ms', separate?.console.p50, separateBefore?.console.p50);
  add('console as a process, added p95 ms', separate?.console.p95, separateBefore?.console.p95);
  add('bare streaming client, added p50 ms', separate?.bare.p50, separateBefore?.bare.p50);
  add('console over the bare client, p50 ms', separate?.overBare.p50, separateBefore?.overBare.p50);
  add('console over the bare client, p95 ms', separate?.overBare.p95, separateBefore?.overBare.p95);
  for (const platform of ['discord', 'slack'] as const) {
    const now = results.pacing?.[platform];
    const then = before.pacing?.[platform];
    add(`${platform}: calls per answer`, now?.callsPerAnswer, then?.callsPerAnswer);
    add(`${platform}: first→last text s p50`, now?.firstToLastS.p50, then?.firstToLastS.p50);
    add(`${platform}: model end → final text s p95`, now?.finalLagS?.p95, then?.finalLagS?.p95);
    add(`${platform}: 429s`, now?.rateLimited, then?.rateLimited);
  }
  const top = results.scale?.levels.at(-1);
  const topBefore = before.scale?.levels.at(-1);
  add(`scale: wall s at ${top?.conversations ?? '–'}`, top?.wallS, topBefore?.wallS);
  add('scale: event-loop delay p99 ms', top?.eventLoopDelayP99Ms, topBefore?.eventLoopDelayP99Ms);
  add('scale: peak RSS MB', top?.peakRssMb, topBefore?.peakRssMb);
  add('start-up: start → ready ms', results.startup?.startToReadyMs, before.startup?.startToReadyMs);
  if (rows.length === 0) return [];
  return [
    `**Against the previous run** (${before.meta.date.slice(0, 10)}${before.meta.note ? `; ${before.meta.note}` : ''})`,
    '',
    ...table(['figure', 'this run', 'previous run'], rows),
    '',
  ];
}
