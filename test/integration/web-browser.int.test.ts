import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  byRound,
  chartFile,
  codeInterpreter,
  filePath,
  functionCall,
  hang,
  parabolaPng,
  squaresCsv,
  text,
  urlCitation,
} from '../../src/model-server/index.js';
import { defineTool } from '../../src/tools/index.js';
import { BROWSER_REQUIRED, findChromium, NO_BROWSER } from '../support/browser.js';
import { REPO_ROOT } from '../support/spawn.js';
import { PEOPLE, startWebBot, type WebBot } from '../support/web-bot.js';

/*
 * The web chat in a real browser (Debian's Chromium, driven by playwright-core), used as a person
 * uses it: typing and pressing keys, clicking, picking and dropping files, reloading, a second tab.
 * One browser, one bot; each scenario in a conversation of its own. UPDATE_SCREENSHOTS=1 writes the
 * screenshots the docs show (docs/images/).
 */

const chromiumPath = findChromium();
const refunded: number[] = [];
const refund = defineTool({
  name: 'refund',
  description: 'Refunds an order',
  parameters: z.object({ order: z.number() }),
  requireApproval: true,
  execute: ({ order }) => {
    refunded.push(order);
    return { refunded: order };
  },
});

// Said once, where the run's output shows it: the tests below are then skipped.
if (!chromiumPath && !BROWSER_REQUIRED) console.warn(`web chat browser tests skipped: ${NO_BROWSER}`);
if (!chromiumPath && BROWSER_REQUIRED) {
  it('has a browser to run the web chat’s browser tests in (CI installs Debian’s chromium)', () => {
    throw new Error(NO_BROWSER);
  });
}

describe.skipIf(!chromiumPath)(
  `the web chat in Chromium${chromiumPath ? '' : ` (skipped: ${NO_BROWSER})`}`,
  () => {
    let bot: WebBot;
    let browser: Browser;
    let alice: BrowserContext;

    beforeAll(async () => {
      bot = await startWebBot({ tools: [refund] });
      browser = await chromium.launch({ executablePath: chromiumPath ?? '', args: ['--no-sandbox'] });
      alice = await browser.newContext({ viewport: { width: 1100, height: 760 }, acceptDownloads: true });
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await bot?.close();
    });

    /** A page signed in as `who` (through the page's own sign-in form), on a new chat. */
    async function signedIn(context: BrowserContext = alice, token: string = PEOPLE.alice): Promise<Page> {
      const page = await context.newPage();
      await page.goto(bot.url);
      // The page asks who you are first: it either signs you in (a session cookie) or asks for a token.
      await page.locator('dialog#login[open], #whoami:not(:empty)').first().waitFor();
      const form = page.getByRole('dialog', { name: 'Sign in to threadloom' });
      if (await form.isVisible()) {
        await form.getByLabel('Your access token').fill(token);
        await form.getByRole('button', { name: 'Sign in' }).click();
      }
      await expect.poll(() => page.locator('#whoami').textContent()).toMatch(/Signed in as/);
      return page;
    }

    const box = (page: Page) => page.getByRole('textbox', { name: 'Message' });
    const log = (page: Page) => page.getByRole('log', { name: 'Messages' });
    const answers = (page: Page) => page.locator('.from-assistant.kind-answer');

    /** Types a message and sends it with Enter, as a person at a keyboard does. */
    async function ask(page: Page, words: string): Promise<void> {
      await box(page).focus();
      await page.keyboard.type(words);
      await page.keyboard.press('Enter');
    }

    it('streams the answer into the page (several paints before the end), reachable from the keyboard', async () => {
      const answer =
        'Streaming works: each piece shows as it comes, so a long answer never leaves you waiting. The end.';
      bot.core.fake.setScript(() => [text(answer, { chunkSize: 5, delayMs: 30 })]);
      const page = await signedIn();
      // Every frame, the text the answer shows then: what a person sees change.
      await page.evaluate(`(() => {
        const seen = (window.seen = []);
        const look = () => {
          const shown = document.querySelector('.from-assistant.kind-answer .bubble')?.textContent ?? '';
          if (shown !== '' && shown !== seen.at(-1)) seen.push(shown);
          requestAnimationFrame(look);
        };
        requestAnimationFrame(look);
      })()`);
      // The skip link is the first stop of the keyboard, and leads to the message box.
      await page.keyboard.press('Tab');
      await expect
        .poll(() => page.evaluate('document.activeElement?.textContent'))
        .toBe('Skip to the message box');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('composer-input');
      await page.keyboard.type('stream something');
      await page.keyboard.press('Enter');
      await log(page).getByText('The end.').waitFor();
      const seen = (await page.evaluate('window.seen')) as string[];
      expect(seen.filter((s) => !s.includes('The end.')).length).toBeGreaterThanOrEqual(2);
      expect(seen.at(-1)?.trim()).toBe(answer);
      await expect.poll(() => answers(page).first().getAttribute('aria-busy')).toBeNull();
      await expect.poll(() => page.locator('#conversation-list').textContent()).toContain('stream something');
      await page.close();
    });

    it('shows the chart, the code in a block that opens, and the file as a download', async () => {
      const csv = squaresCsv();
      bot.core.fake.setScript(() => [
        codeInterpreter({
          code: 'import matplotlib.pyplot as plt\nplt.plot(x, x**2)',
          logs: 'saved the chart',
          images: [chartFile('chart.png', parabolaPng())],
          files: [csv],
        }),
        text('Here is the chart and [squares.csv](sandbox:/mnt/data/squares.csv).', {
          annotations: [filePath('sandbox:/mnt/data/squares.csv', csv)],
        }),
      ]);
      const page = await signedIn();
      await ask(page, 'plot y=x^2');
      const chart = page.getByRole('img', { name: /chart\.png/ });
      await chart.waitFor();
      expect(await chart.evaluate((img: { naturalWidth?: number }) => img.naturalWidth)).toBeGreaterThan(0);
      const code = page.locator('details.tool');
      await code.locator('summary').click();
      await expect.poll(() => code.getAttribute('open')).toBe('');
      expect(await code.textContent()).toContain('plt.plot(x, x**2)');
      const download = page.waitForEvent('download');
      await page.getByRole('link', { name: /squares\.csv/ }).click();
      const file = await download;
      expect(file.suggestedFilename()).toBe('squares.csv');
      expect(readFileSync((await file.path()) ?? '')).toEqual(Buffer.from(csv.bytes));
      await page.close();
    });

    it('shows sources as numbered footnotes with links', async () => {
      bot.core.fake.setScript(() => [
        text('Leave is 25 days【1†policy】.', {
          annotations: [urlCitation('【1†policy】', 'https://example.com/policy', 'Leave policy')],
        }),
      ]);
      const page = await signedIn();
      await ask(page, 'how much leave?');
      const sources = page.getByRole('list', { name: 'Sources' });
      await sources.waitFor();
      expect(await sources.getByRole('link', { name: 'Leave policy' }).getAttribute('href')).toBe(
        'https://example.com/policy',
      );
      const marker = page.getByRole('link', { name: 'source 1' });
      expect(await marker.getAttribute('href')).toMatch(/#m-.*-fn-1$/);
      // Deleted from the list (after the page asks to be sure), it goes, and the page starts afresh.
      page.once('dialog', (dialog) => void dialog.accept());
      await page.getByRole('button', { name: 'Delete “how much leave?”' }).click();
      await page.getByRole('status').getByText('Deleted “how much leave?”.').waitFor();
      expect(await page.locator('#conversation-list').textContent()).not.toContain('how much leave?');
      await expect.poll(() => page.locator('#chat-title').textContent()).toBe('New chat');
      expect(await log(page).textContent()).toBe('');
      await page.close();
    });

    it('runs a call once Approve is pressed, and not when Deny is', async () => {
      refunded.length = 0;
      bot.core.fake.setScript(
        byRound([functionCall('refund', { order: 7 })], ({ toolOutputs }) => [
          text(`Tool said: ${toolOutputs[0]?.output}`),
        ]),
      );
      const page = await signedIn();
      await ask(page, 'refund order 7');
      await page.getByRole('button', { name: 'Approve running refund' }).click();
      await log(page).getByText('Tool said: {"refunded":7}').waitFor();
      expect(await page.locator('.approval .outcome').textContent()).toMatch(/Approved by @alice/);
      await ask(page, 'refund order 7 again');
      await page.getByRole('button', { name: 'Deny running refund' }).click();
      await log(page)
        .getByText(/Tool said: .*denied/)
        .waitFor();
      expect(refunded).toEqual([7]);
      await page.close();
    });

    it('stops an answer with the Stop button, and starts over with Reset', async () => {
      bot.core.fake.setScript(() => [text('Let me think about that.'), hang()]);
      const page = await signedIn();
      await ask(page, 'a long job');
      await log(page).getByText('Let me think about that.').waitFor();
      await page.getByRole('button', { name: 'Stop' }).click();
      await log(page).getByText('Stopped.').waitFor();
      await page.getByRole('button', { name: 'Stop' }).waitFor({ state: 'hidden' });
      await page.getByRole('button', { name: 'Reset' }).click();
      await log(page)
        .getByText(/Started a new conversation/)
        .waitFor();
      await page.close();
    });

    it('takes a CSV from the file picker and one dropped on the box, and answers about them', async () => {
      bot.core.fake.setScript(({ files }) => {
        const rows = files.map((f) => {
          const lines = new TextDecoder().decode(bot.core.fake.fileBytes(f.fileId)).trim().split('\n');
          return `${f.name} has ${lines.length - 1} rows`;
        });
        return [text(`${rows.join('; ')}.`)];
      });
      const page = await signedIn();
      await page.locator('#file-input').setInputFiles({
        name: 'numbers.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from('n\n1\n2\n3\n'),
      });
      // A file dropped on the message box, as a drag from the desktop delivers it.
      await page.evaluate(`(() => {
        const composer = document.getElementById('composer');
        const data = new DataTransfer();
        data.items.add(new File(['a,b\\n1,2\\n'], 'dropped.csv', { type: 'text/csv' }));
        composer.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      })()`);
      await page.getByRole('list', { name: 'Files to send' }).getByText('dropped.csv').waitFor();
      await ask(page, 'how many rows?');
      await log(page).getByText('numbers.csv has 3 rows; dropped.csv has 1 rows.').waitFor();
      await page.close();
    });

    it('finishes an answer once after a reload mid-answer, and shows it in a second tab too', async () => {
      bot.core.fake.setScript(() => [
        text('First part of a slow answer. Second part, the end.', { chunkSize: 4, delayMs: 100 }),
      ]);
      const page = await signedIn();
      await ask(page, 'answer slowly');
      await log(page).getByText('First part of a slow answer.').waitFor();
      const second = await alice.newPage();
      await second.goto(page.url());
      await page.reload();
      await log(page)
        .getByText(/Second part, the end\./)
        .waitFor();
      await log(second)
        .getByText(/Second part, the end\./)
        .waitFor();
      for (const tab of [page, second]) {
        expect((await answers(tab).allTextContents()).map((t) => t.trim())).toEqual([
          'Assistant: First part of a slow answer. Second part, the end.',
        ]);
      }
      await second.close();
      await page.close();
    });

    it('renders <script>, <img onerror> and javascript: links from the model or a person inert', async () => {
      const hostile =
        'Look: <script>window.pwned = 1</script> <img src=x onerror="window.pwned = 2"> ' +
        '[click](javascript:window.pwned=3) <a href="javascript:window.pwned=4">here</a> **bold**';
      bot.core.fake.setScript(() => [text(hostile)]);
      const page = await signedIn();
      const violations: string[] = [];
      await page.exposeFunction('violation', (what: string) => violations.push(what));
      await page.evaluate(
        `document.addEventListener('securitypolicyviolation', (e) => window.violation(e.violatedDirective + " " + e.sample + " " + e.sourceFile + ":" + e.lineNumber))`,
      );
      await ask(page, 'say something <img src=y onerror="window.pwned = 5">');
      await log(page).getByText('bold').waitFor();
      const bubble = answers(page).last();
      expect(await bubble.locator('script, img, [onerror]').count()).toBe(0);
      expect(await bubble.locator('strong').textContent()).toBe('bold');
      for (const link of await page.locator('#messages a').all())
        expect((await link.getAttribute('href')) ?? '').not.toMatch(/^javascript:/i);
      // The javascript: links keep their words, but not as links.
      expect(await bubble.getByRole('link').count()).toBe(0);
      expect(await bubble.textContent()).toContain('click');
      expect(await page.evaluate('window.pwned')).toBeUndefined();
      expect(await page.locator('#messages img').count()).toBe(0);
      // The sanitiser parses the markup in an inert document; the handlers in it never run, and the
      // page's policy refuses them anyway (Chromium reports that as it parses).
      expect(violations.filter((v) => !v.startsWith('script-src-attr '))).toEqual([]);
      await page.close();
    });

    it('refuses another person’s conversation (403), a request without a token (401) and a cross-site write', async () => {
      bot.core.fake.setScript(() => [text('Only for Alice.')]);
      const page = await signedIn();
      await ask(page, 'a secret');
      await log(page).getByText('Only for Alice.').waitFor();
      const id = new URLSearchParams(new URL(page.url()).hash.slice(1)).get('c') ?? '';
      const bob = await browser.newContext();
      const bobPage = await signedIn(bob, PEOPLE.bob);
      const events = `${bot.url}api/conversations/${id}/events`;
      expect((await bob.request.get(events)).status()).toBe(403);
      await bobPage.goto(`${bot.url}#c=${id}`);
      await bobPage.reload();
      await bobPage.locator('#whoami:not(:empty)').waitFor();
      // Not in his list, so the page drops it and opens a new chat of his own.
      await expect.poll(() => bobPage.url()).toBe(bot.url);
      await expect.poll(() => bobPage.locator('#chat-title').textContent()).toBe('New chat');
      expect(await bobPage.locator('#messages').textContent()).not.toContain('Only for Alice');
      expect((await fetch(events)).status).toBe(401);
      const forged = await fetch(`${bot.url}api/conversations/${id}/stop`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${PEOPLE.alice}`,
          origin: 'https://evil.example',
          'x-threadloom': '1',
        },
      });
      expect(forged.status).toBe(403);
      const cookie = (await alice.cookies()).find((c) => c.name === 'threadloom_session');
      expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' });
      await bob.close();
      await page.close();
    });

    it('fits a phone-sized screen, the conversation list behind a button', async () => {
      bot.core.fake.setScript(() => [
        codeInterpreter({
          code: 'import numpy as np\nx = np.linspace(-5, 5)\nplt.plot(x, x**2)\nprint(np.mean([1, 2, 3]))',
          logs: '2.0',
          images: [chartFile('parabola.png', parabolaPng())],
        }),
        text('The mean of **1, 2, 3** is `2.0`, and the chart shows *y = x²*【1†numpy】.', {
          annotations: [urlCitation('【1†numpy】', 'https://numpy.org/doc/stable/', 'NumPy documentation')],
        }),
      ]);
      const phone = await browser.newContext({
        viewport: { width: 390, height: 760 },
        isMobile: true,
        hasTouch: true,
      });
      const page = await signedIn(phone);
      expect(await page.locator('#sidebar').isVisible()).toBe(false);
      await ask(page, 'what is the mean of 1, 2 and 3?');
      await log(page).getByText('is 2.0').waitFor();
      const width = await page.evaluate('document.documentElement.scrollWidth');
      expect(width).toBeLessThanOrEqual(390);
      await shoot(page, 'web-chat-phone.png');
      await page.getByRole('button', { name: 'Conversations' }).click();
      expect(await page.locator('#sidebar').isVisible()).toBe(true);
      await page.getByRole('button', { name: /^what is the mean/ }).click();
      expect(await page.locator('#sidebar').isVisible()).toBe(false);
      expect(await page.getByRole('button', { name: 'Conversations' }).getAttribute('aria-expanded')).toBe(
        'false',
      );
      await phone.close();
      const desktop = await signedIn();
      await desktop
        .getByRole('button', { name: /what is the mean/ })
        .first()
        .click();
      await log(desktop).getByText('is 2.0').waitFor();
      await desktop.locator('details.tool summary').click();
      await desktop.setViewportSize({ width: 1100, height: 1040 });
      await shoot(desktop, 'web-chat.png');
      await desktop.close();
    });
  },
);

/** With UPDATE_SCREENSHOTS=1, the page as the docs show it. */
async function shoot(page: Page, name: string): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  const dir = join(REPO_ROOT, 'docs', 'images');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, name) });
}
