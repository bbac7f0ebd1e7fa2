import { parseArgs } from 'node:util';
import { demoScript } from './demo-script.js';
import { startFakeOpenAI } from './fake-openai.js';

/**
 * `node dist/src/model-server/main.js [--port N]` (`npm run fake:openai`): the fake OpenAI server with the demo model, for
 * `npm run fake:openai` and for trying the bot without an account. Port 0 picks a free port.
 */

const DEFAULT_DEMO_PORT = 8787;

function parsePort(argv: readonly string[]): number {
  const { values } = parseArgs({ args: [...argv], options: { port: { type: 'string', short: 'p' } } });
  if (values.port === undefined) return DEFAULT_DEMO_PORT;
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`--port must be an integer from 0 to 65535, got ${JSON.stringify(values.port)}`);
  }
  return port;
}

async function main(): Promise<void> {
  const fake = await startFakeOpenAI({ script: demoScript, port: parsePort(process.argv.slice(2)) });
  process.stdout.write(`fake OpenAI listening on ${fake.url}\n`);
  const stop = () => {
    fake.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`fake OpenAI: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
