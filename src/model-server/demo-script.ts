import { chartFile, plotPng } from './png-chart.js';
import { codeInterpreter, functionCall, type ModelScript, type ScriptStep, text } from './script.js';

/**
 * The built-in model of `npm run demo` and `npm run fake:openai`: enough to show every kind of reply
 * without an account. "plot ..." runs code and makes a chart, "time" calls `current_time`, anything
 * else is echoed back.
 */

const FUNCTIONS: Readonly<Record<string, string>> = {
  sin: 'Math.sin',
  cos: 'Math.cos',
  tan: 'Math.tan',
  exp: 'Math.exp',
  log: 'Math.log',
  sqrt: 'Math.sqrt',
  abs: 'Math.abs',
};

/** What follows "plot" (`plot y = x^2` gives `x^2`); the parabola when nothing usable follows. */
export function plotExpression(message: string): string {
  const match = /\bplot\b\s*(?:(?:of|the|graph|chart)\s+)*(?:y\s*=\s*)?([^\n]*)/i.exec(message);
  const expression = match?.[1]?.trim().replace(/[.?!]+$/, '') ?? '';
  return compileExpression(expression) ? expression : 'x^2';
}

/**
 * A tiny, safe evaluator for the demo's expressions: only numbers, `x`, + - * / ^ ( ) and a few Math
 * functions pass; anything else is refused rather than run.
 */
export function compileExpression(expression: string): ((x: number) => number) | undefined {
  const tokens = expression.match(/\d+(?:\.\d+)?|[a-z]+|\*\*|[-+*/^().]|\S/gi) ?? [];
  if (tokens.length === 0) return undefined;
  const js: string[] = [];
  for (const token of tokens) {
    if (/^\d/.test(token) || /^[-+*/()]$/.test(token) || token === '**') js.push(token);
    else if (token === '^') js.push('**');
    else if (token.toLowerCase() === 'x') js.push('x');
    else if (token.toLowerCase() === 'pi') js.push('Math.PI');
    else if (FUNCTIONS[token.toLowerCase()]) js.push(FUNCTIONS[token.toLowerCase()] ?? '');
    else return undefined;
  }
  try {
    const fn = new Function('x', `"use strict"; return (${js.join(' ')});`) as (x: number) => number;
    return Number.isFinite(fn(1.5)) ? fn : undefined;
  } catch {
    return undefined;
  }
}

function pythonFor(expression: string): string {
  const py = expression.replace(/\^/g, '**').replace(/\b(sin|cos|tan|exp|log|sqrt|abs)\b/g, 'np.$1');
  return [
    'import numpy as np',
    'import matplotlib.pyplot as plt',
    '',
    'x = np.linspace(-5, 5, 400)',
    `y = ${py}`,
    'plt.plot(x, y)',
    `plt.title("y = ${expression}")`,
    'plt.grid(True)',
    "plt.savefig('/mnt/data/chart.png')",
    'plt.show()',
  ].join('\n');
}

function plotSteps(message: string): ScriptStep[] {
  const expression = plotExpression(message);
  const fn = compileExpression(expression) ?? ((x: number) => x * x);
  return [
    codeInterpreter({
      code: pythonFor(expression),
      images: [chartFile('chart.png', plotPng(fn))],
      delayMs: 300,
    }),
    text(`Here is the plot of y = ${expression} for x from -5 to 5.`, { delayMs: 30 }),
  ];
}

/** IANA zone the user asked about: Tokyo when mentioned, UTC otherwise. */
export function requestedTimezone(message: string): string {
  return /tokyo/i.test(message) ? 'Asia/Tokyo' : 'UTC';
}

/** Reads the `current_time` tool's JSON back as a sentence, as a model would. */
function describeTime(output: string): string {
  try {
    const time = JSON.parse(output) as { timezone?: string; datetime?: string; weekday?: string };
    if (time.datetime)
      return `It is ${time.weekday ?? ''} ${time.datetime} in ${time.timezone ?? 'UTC'}.`.replace('  ', ' ');
  } catch {
    // Not JSON: an error text from the tool, passed on as it is.
  }
  return `The time tool said: ${output}`;
}

export const demoScript: ModelScript = ({ round, text: said, toolOutputs }) => {
  if (round > 1) {
    const answers = toolOutputs.map((o) =>
      o.name === 'current_time' ? describeTime(o.output) : `${o.name} returned: ${o.output}`,
    );
    return [text(answers.join('\n'), { delayMs: 30 })];
  }
  if (/\bplot\b/i.test(said)) return plotSteps(said);
  if (/\btime\b/i.test(said)) return [functionCall('current_time', { timezone: requestedTimezone(said) })];
  return [text(`You said: ${said}`, { chunkSize: 6, delayMs: 30 })];
};
