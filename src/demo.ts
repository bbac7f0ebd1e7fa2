import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoWeb } from './adapters/web/demo-web.js';
import { configFromProcess } from './configure.js';
import { isEntryPoint, runConsole } from './console.js';
import { reportStartupFailure } from './startup-failure.js';

/**
 * `npm run demo`: the console against the built-in fake model server, started in this process on a
 * free loopback port. No account, no key: a newcomer sees streamed text, the code the interpreter
 * ran, a saved chart and a function call, in the terminal and in the web chat on 127.0.0.1 (its URL
 * is printed). Each demo starts a clean conversation: the store lives in a temporary folder, removed
 * at the end, because the conversations it names live in the model server, which ends with the demo.
 */
export async function runDemo(): Promise<void> {
  // Loaded only here: `npm start` never needs the model server that ships for the demo.
  const { startFakeOpenAI, demoScript } = await import('./model-server/index.js');
  const fake = await startFakeOpenAI({ script: demoScript });
  const storeDir = await mkdtemp(join(tmpdir(), 'threadloom-demo-'));
  try {
    const config = configFromProcess({
      overrides: {
        OPENAI_BASE_URL: fake.url,
        OPENAI_API_KEY: 'demo',
        STORE_URL: `sqlite://${join(storeDir, 'demo.sqlite')}`,
        LOG_LEVEL: 'warn',
      },
    });
    if (process.stdin.isTTY) {
      process.stderr.write(
        'threadloom demo: type a message and press Enter. Try "hello", "plot y=x^2", "what time is it in Tokyo?". Ctrl-D ends.\n',
      );
    }
    // The web chat on this machine, on the same app: the page shows the same demo model.
    await runConsole(config, 'demo', undefined, (app) =>
      startDemoWeb(app, config, (url) =>
        process.stderr.write(`threadloom demo: the web chat is at ${url}\n`),
      ),
    );
  } finally {
    await fake.close();
    await rm(storeDir, { recursive: true, force: true });
  }
}

if (isEntryPoint(import.meta.url)) {
  runDemo().catch((error: unknown) => reportStartupFailure(error));
}
