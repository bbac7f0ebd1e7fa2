import { expect } from 'vitest';
import {
  byRound,
  chartFile,
  citation,
  codeInterpreter,
  failed,
  filePath,
  functionCall,
  parabolaPng,
  replyWith,
  squaresCsv,
  text,
} from '../../../src/model-server/index.js';
import { isFenceBalanced } from '../../../src/render/split.js';
import type { AdapterDriver, PlatformDriver } from '../drivers/driver.js';
import { answered, scenario } from './support.js';

/**
 * A long answer: prose, a Python block longer than one message (so a cut falls inside it), more prose,
 * at least 2.5 messages in all; "The end." closes it.
 */
export function longAnswer(messageLength = 4000): string {
  const paragraph = (i: number) =>
    `Paragraph ${i}: ${'the quick brown fox jumps over the lazy dog '.repeat(8).trim()}.`;
  const lines = Math.ceil((messageLength * 1.2) / 32);
  const code = Array.from({ length: lines }, (_, i) => `print("line ${i} of the program")`).join('\n');
  const parts = [paragraph(1), paragraph(2), `\`\`\`python\n${code}\n\`\`\``];
  while (parts.join('\n\n').length < messageLength * 2.5) parts.push(paragraph(parts.length));
  return [...parts, 'The end.'].join('\n\n');
}

/** The words of a text, without the fence lines a split adds (a cut closes a code block and reopens it). */
const words = (s: string) =>
  s
    .replace(/\n```(python)?(?=\n|$)/g, '')
    .replace(/\s+/g, ' ')
    .trim();

/** How answers look: long ones, the code interpreter's work, function calls, sources, failures. */
export function renderingScenarios(platform: PlatformDriver, bot: () => AdapterDriver): void {
  const limit = platform.messageLength;

  scenario(
    platform,
    [],
    'never truncates a long answer: split within the platform’s limit, code blocks balanced',
    async () => {
      const driver = bot();
      const answer = longAnswer(limit);
      driver.model.setScript(replyWith(answer, { chunkSize: Math.ceil(answer.length / 25) }));
      const question = await driver.ask('write a lot');
      const shown = await answered(driver, question, (s) => s.text.includes('The end.'), 'the whole answer');
      expect(words(shown.text)).toBe(words(answer));
      if (limit === undefined) return;
      expect(shown.posts.length).toBeGreaterThanOrEqual(3);
      for (const post of shown.posts) {
        expect(post.text.length).toBeLessThanOrEqual(limit);
        expect(isFenceBalanced(post.text)).toBe(true);
      }
    },
  );

  scenario(
    platform,
    [],
    'shows the code it ran and its output, and shares the chart and the file it made',
    async () => {
      const driver = bot();
      const png = parabolaPng();
      const csv = squaresCsv();
      driver.model.setScript(() => [
        codeInterpreter({
          code: 'import matplotlib.pyplot as plt\nplt.plot(x, x**2)',
          logs: 'saved the chart and the data',
          images: [chartFile('chart.png', png)],
          files: [csv],
        }),
        text('Here is the chart, and [squares.csv](sandbox:/mnt/data/squares.csv).', {
          annotations: [filePath('sandbox:/mnt/data/squares.csv', csv)],
        }),
      ]);
      const question = await driver.ask('plot y=x^2 and save the data');
      const shown = await answered(
        driver,
        question,
        (s) => s.text.includes('Here is the chart'),
        'the answer',
      );
      expect(shown.text).toContain('```python\nimport matplotlib.pyplot as plt\nplt.plot(x, x**2)\n```');
      expect(shown.text).toContain('saved the chart and the data');
      expect(shown.text).toContain('squares.csv');
      const charts = shown.files.filter((f) => f.name.endsWith('.png'));
      expect(charts).toHaveLength(1);
      expect(Buffer.from(charts[0]?.bytes ?? []).equals(Buffer.from(png))).toBe(true);
      const data = shown.files.filter((f) => f.name === 'squares.csv');
      expect(data.map((f) => Buffer.from(f.bytes).toString())).toEqual([Buffer.from(csv.bytes).toString()]);
    },
  );

  scenario(
    platform,
    ['messageLimit'],
    'attaches code and output too long to show as code.py and output.txt',
    async () => {
      const driver = bot();
      const code = Array.from({ length: 1200 }, (_, i) => `x${i} = ${i} * 2`).join('\n');
      const logs = Array.from({ length: 1000 }, (_, i) => `row ${i}: ${'#'.repeat(20)}`).join('\n');
      driver.model.setScript(() => [codeInterpreter({ code, logs }), text('Computed.')]);
      const question = await driver.ask('compute a lot');
      const shown = await answered(driver, question, (s) => s.text.includes('Computed.'), 'the answer');
      expect(shown.text).toContain('_The code is attached as code.py._');
      expect(shown.text).toContain('_Output trimmed; the whole output is attached as output.txt._');
      const files = Object.fromEntries(shown.files.map((f) => [f.name, Buffer.from(f.bytes).toString()]));
      expect(files).toEqual({ 'code.py': code, 'output.txt': logs });
    },
  );

  scenario(platform, [], 'shows a function call it made as one line, then the answer', async () => {
    const driver = bot();
    driver.model.setScript(
      byRound([functionCall('current_time', { timezone: 'Asia/Tokyo' })], [text('It is evening in Tokyo.')]),
    );
    const question = await driver.ask('what time is it in Tokyo?');
    const shown = await answered(driver, question, (s) => s.text.includes('evening'), 'the answer');
    const lines = shown.text.split('\n');
    expect(lines.filter((l) => l.includes('current_time') && l.includes('Asia/Tokyo'))).toHaveLength(1);
    expect(lines.at(-1)).toBe('It is evening in Tokyo.');
  });

  scenario(platform, [], 'shows cited sources as numbered footnotes', async () => {
    const driver = bot();
    const doc = driver.model.addFile({ filename: 'policy.md', bytes: '# Leave\n25 days.' });
    driver.model.setScript(() => [
      text('You get 25 days【4:0†policy.md】.', { annotations: [citation('【4:0†policy.md】', doc.id)] }),
    ]);
    const question = await driver.ask('how much leave?');
    const shown = await answered(driver, question, (s) => s.text.includes('policy.md'), 'the answer');
    expect(shown.text).toMatch(/^You get 25 days\[1\]\.\n+\[1\] policy\.md$/);
  });

  scenario(
    platform,
    [],
    'ends a failed answer with a short notice, never the service’s own words',
    async () => {
      const driver = bot();
      driver.model.setScript(() => [
        text('Starting'),
        failed('Traceback at /srv/secret/engine.py line 3', 'server_error'),
      ]);
      const question = await driver.ask('fail please');
      const shown = await answered(
        driver,
        question,
        (s) => s.text.includes('Please try again'),
        'the notice',
      );
      expect(shown.text).toMatch(
        /^Starting\n.*The assistant service had an internal error\. Please try again\.$/,
      );
      expect(shown.text).not.toMatch(/secret|Traceback/);
    },
  );

  scenario(
    platform,
    [],
    'says so when the model service is rate-limited, keeping what was written',
    async () => {
      const driver = bot();
      driver.model.setScript(() => [
        text('Starting'),
        failed('Rate limit reached for o3 in organization org-secret', 'rate_limit_exceeded'),
      ]);
      const question = await driver.ask('are you busy?');
      const shown = await answered(driver, question, (s) => s.text.includes('in a minute'), 'the notice');
      expect(shown.text).toMatch(
        /^Starting\n.*The assistant service is rate-limited right now\. Please try again in a minute\.$/,
      );
      expect(shown.text).not.toContain('org-secret');
    },
  );
}
