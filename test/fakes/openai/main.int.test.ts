import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../src/model-server/main.ts');
const children: ChildProcess[] = [];

/** Runs main.ts as `npm run fake:openai` would (through tsx instead of the build). */
function startMain(...args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const end = out.indexOf('\n');
      if (end >= 0) resolve(out.slice(0, end));
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing`)));
  });
}

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGTERM');
});

describe('the standalone fake server', () => {
  it('prints its URL and answers both APIs with the demo model', async () => {
    const child = startMain('--port', '0');
    const line = await firstLine(child);
    expect(line).toMatch(/^fake OpenAI listening on http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const client = new OpenAI({ baseURL: line.split(' ').at(-1) ?? '', apiKey: 'test', maxRetries: 0 });
    const assistant = await client.beta.assistants.create({ model: 'o3' });
    const thread = await client.beta.threads.create({ messages: [{ role: 'user', content: 'hello' }] });
    await client.beta.threads.runs.stream(thread.id, { assistant_id: assistant.id }).finalRun();
    const [answer] = (await client.beta.threads.messages.list(thread.id, { limit: 1 })).data;
    expect(answer?.content[0]?.type === 'text' && answer.content[0].text.value).toBe('You said: hello');
    // The same server speaks the Responses API with the same model.
    const conversation = await client.conversations.create();
    const response = await client.responses.create({
      model: 'o3',
      conversation: conversation.id,
      input: 'hi',
    });
    expect(response.output_text).toBe('You said: hi');
  });

  it('refuses a port that is not a number', async () => {
    const child = startMain('--port', 'abc');
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('--port must be an integer from 0 to 65535');
  });
});
