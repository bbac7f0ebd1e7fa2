import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src/configure.js';
import { runConsole } from '../../src/console.js';
import {
  chartFile,
  imageGeneration,
  mcpCall,
  parabolaPng,
  startFakeOpenAI,
  text,
} from '../../src/model-server/index.js';
import { DiscordBot } from '../fakes/discord/bot-harness.js';
import { SlackBot } from '../fakes/slack/index.js';

/**
 * An image the hosted image generation made reaches every platform natively: a Discord attachment,
 * a Slack upload, a saved file announced as `[image] <path>` in the console. The real platform SDKs
 * against their fakes, the Responses backend against the fake OpenAI server.
 */

const IMAGE = chartFile('ignored-name.png', parabolaPng());
const drawing = () => [imageGeneration(IMAGE), text('Here is your drawing.')];

describe('generated images on Discord', () => {
  let bot: DiscordBot;

  beforeAll(async () => {
    bot = await DiscordBot.start({ backend: 'responses', harness: { assistant: { imageGeneration: true } } });
  });

  afterAll(async () => {
    await bot?.close();
  });

  it('uploads the image as an attachment in the thread, beside the answer', async () => {
    bot.openai.setScript(drawing);
    const thread = await bot.threadOf(bot.mention('draw a parabola'));
    await bot.answer(thread.id, (contents) => contents.includes('Here is your drawing.'));
    await bot.fake.waitFor(() => bot.fake.botMessages(thread.id).some((m) => m.attachments.length > 0), {
      what: 'the image attachment',
    });
    const attachments = bot.fake.botMessages(thread.id).flatMap((m) => m.attachments);
    expect(attachments.map((a) => [a.contentType, a.filename.endsWith('.png')])).toEqual([
      ['image/png', true],
    ]);
    expect(Buffer.from(attachments[0]?.bytes ?? []).equals(Buffer.from(IMAGE.bytes))).toBe(true);
  });
});

describe('generated images on Slack', () => {
  let bot: SlackBot;

  beforeAll(async () => {
    bot = await SlackBot.start({ backend: 'responses', core: { assistant: { imageGeneration: true } } });
  });

  afterAll(async () => {
    await bot?.close();
  });

  it('uploads the image into the thread, and showed a status while it rendered', async () => {
    bot.core.fake.setScript(drawing);
    const before = bot.rendered.length;
    const { thread, channel } = await bot.mention('draw a parabola');
    await bot.answers(before + 1);
    const file = bot.slack.botMessages(channel, thread).find((m) => m.files !== undefined)?.files?.[0];
    expect(file?.name).toMatch(/^image-.+\.png$/);
    expect(Buffer.from(file?.bytes ?? new Uint8Array()).equals(Buffer.from(IMAGE.bytes))).toBe(true);
    const said = JSON.stringify(bot.slack.calls.map((c) => c.args));
    expect(said).toContain('Generating an image…');
  });
});

describe('generated images in the console', () => {
  it('saves the image and announces its path; shows the MCP call it made on the way', async () => {
    const fake = await startFakeOpenAI({
      script: () => [
        mcpCall('docs', 'style_guide', {}, { output: 'Use thin lines.' }),
        imageGeneration(IMAGE),
        text('Drawn with thin lines.'),
      ],
    });
    const dir = mkdtempSync(join(tmpdir(), 'console-images-'));
    try {
      const profiles = join(dir, 'profiles.yaml');
      writeFileSync(
        profiles,
        [
          'mcp_servers:',
          '  - server_label: docs',
          '    server_url: https://mcp.example.com/mcp',
          '    require_approval: never',
          'profiles:',
          '  artist:',
          '    tools: [image_generation, docs]',
          'default: artist',
        ].join('\n'),
      );
      const config = configFromEnv({
        OPENAI_API_KEY: 'test-key',
        OPENAI_BASE_URL: fake.url,
        PROFILES_FILE: profiles,
        STORE_URL: `sqlite://${join(dir, 'console.sqlite')}`,
        CONSOLE_OUTPUT_DIR: join(dir, 'output'),
        LOG_LEVEL: 'warn',
      });
      const input = new PassThrough();
      const output = new PassThrough();
      let written = '';
      output.on('data', (chunk: Buffer) => {
        written += chunk.toString();
      });
      const done = runConsole(config, 'images', { input, output, errors: new PassThrough() });
      input.end('draw a parabola\n');
      await done;
      const lines = written.split('\n');
      expect(lines).toContain('[mcp list tools] 🔌 `docs` offers 1 tool: style_guide');
      expect(lines).toContain('[mcp call] 🔌 `docs/style_guide` → Use thin lines.');
      const announced = lines.find((line) => line.startsWith('[image] '));
      expect(announced).toMatch(/\[image\] .*output\/image-.+\.png$/);
      const path = announced?.slice('[image] '.length) ?? '';
      expect(readFileSync(path).equals(Buffer.from(IMAGE.bytes))).toBe(true);
      expect(written).toContain('Drawn with thin lines.');
    } finally {
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
