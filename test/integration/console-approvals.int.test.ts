import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src/configure.js';
import { runConsole } from '../../src/console.js';
import {
  byRound,
  type FakeOpenAI,
  functionCall,
  startFakeOpenAI,
  text,
} from '../../src/model-server/index.js';
import { waitForChange } from '../fakes/shared/wait-for-change.js';

let fake: FakeOpenAI;
let server: Server;
let dir: string;
/** Refunds the local "orders service" made: a call that ran shows here. */
let refunds: string[] = [];

beforeAll(async () => {
  fake = await startFakeOpenAI({
    pollAfterMs: 10,
    script: byRound([functionCall('refund', { order: '7' })], ({ toolOutputs }) => [
      text(`Tool said: ${toolOutputs[0]?.output}`),
    ]),
  });
  server = createServer((req, res) => {
    refunds.push(req.url ?? '');
    res.setHeader('content-type', 'application/json');
    res.end('{"refunded":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  dir = mkdtempSync(join(tmpdir(), 'console-approvals-'));
  const port = (server.address() as AddressInfo).port;
  writeFileSync(
    join(dir, 'profiles.yaml'),
    `
profiles:
  shop: { tools: [refund] }
default: shop
http_tools:
  - name: refund
    description: Refunds an order.
    parameters: { type: object, properties: { order: { type: string } }, required: [order] }
    method: POST
    url: http://127.0.0.1:${port}/refunds/{order}
    allow_private_addresses: true
    require_approval: true
`,
  );
});

afterAll(async () => {
  await fake.close();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A console session typed line by line: `say` writes a line once the output shows `after` (so an
 * answer is typed when the prompt is there, as a person would), `end` closes the input.
 */
function session(name: string, extra: Record<string, string> = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  let written = '';
  const changed = new EventTarget();
  output.on('data', (chunk: Buffer) => {
    written += chunk.toString();
    changed.dispatchEvent(new Event('change'));
  });
  const config = configFromEnv({
    OPENAI_API_KEY: 'test-key',
    OPENAI_BASE_URL: fake.url,
    STORE_URL: `sqlite://${join(dir, `${name}.sqlite`)}`,
    PROFILES_FILE: join(dir, 'profiles.yaml'),
    THREAD_TTL_DAYS: '0',
    LOG_LEVEL: 'warn',
    ...extra,
  });
  const done = runConsole(config, name, { input, output, errors: new PassThrough() });
  const onChange = (listener: () => void) => {
    changed.addEventListener('change', listener);
    return () => changed.removeEventListener('change', listener);
  };
  const shows = (what: string) =>
    waitForChange('console', onChange, () => written.includes(what), { what: `output with ${what}` });
  return {
    done,
    output: () => written,
    shows,
    async say(line: string, after?: string) {
      if (after !== undefined) await shows(after);
      input.write(`${line}\n`);
    },
    end: () => input.end(),
  };
}

const PROMPT = '[approval] refund({"order":"7"}) needs your approval. Run it? [y/n]\n';

// Approving (y), denying (n) and the timeout are in the adapter contract; here the console runs as
// `npm run console` does, with an HTTP tool from profiles.yaml.
describe('console: tool calls that need approval', () => {
  it('asks again for an answer that is not y or n (the console has one user: nobody else can answer)', async () => {
    refunds = [];
    const chat = session('unclear');
    await chat.say('refund order 7');
    await chat.say('maybe', PROMPT);
    await chat.say('yes', 'Please answer y or n.');
    await chat.shows('Tool said:');
    chat.end();
    await chat.done;
    expect(refunds).toEqual(['/refunds/7']);
  });
});
