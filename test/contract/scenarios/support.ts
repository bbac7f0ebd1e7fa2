import { afterAll, beforeAll, it } from 'vitest';
import { type ModelScript, text } from '../../../src/model-server/index.js';
import type {
  AdapterDriver,
  Capability,
  Conversation,
  DriverOptions,
  PlatformDriver,
  Shown,
} from '../drivers/driver.js';

/** The bot a platform's scenarios share (each in a conversation of its own), started before them. */
export function sharedBot(platform: PlatformDriver, options: DriverOptions): () => AdapterDriver {
  let driver: AdapterDriver | undefined;
  beforeAll(async () => {
    driver = await platform.start(options);
  });
  afterAll(async () => {
    await driver?.close();
  });
  return () => {
    if (!driver) throw new Error(`the ${platform.name} bot did not start`);
    return driver;
  };
}

/** A bot of its own for one scenario (other settings), closed after it. */
export async function withBot(
  platform: PlatformDriver,
  options: DriverOptions,
  scenario: (driver: AdapterDriver) => Promise<void>,
): Promise<void> {
  const driver = await platform.start(options);
  try {
    await scenario(driver);
  } finally {
    await driver.close();
  }
}

/**
 * `it`, for a scenario that needs `needs`: skipped on a platform that cannot do one of them, with the
 * reason in the test's name, so a skip is visible in every report.
 */
export function scenario(
  platform: PlatformDriver,
  needs: readonly Capability[],
  name: string,
  body: () => Promise<void>,
): void {
  const reason = needs.map((n) => platform.cannot[n]).find((r) => r !== undefined);
  it.skipIf(reason !== undefined)(reason === undefined ? name : `${name} (skipped: ${reason})`, body);
}

/** Waits until what the conversation shows satisfies `done` and no answer is being written, then returns it. */
export async function answered(
  driver: AdapterDriver,
  conversation: Conversation,
  done: (shown: Shown) => boolean,
  what: string,
): Promise<Shown> {
  await driver.waitFor(() => done(conversation.shown()), what);
  await driver.idle();
  return conversation.shown();
}

/** The model answers "turn <n>: <what it was asked> (files: ...)": what reached it, in which turn. */
export const numbered: ModelScript = ({ history, text: said, files }) => {
  const turn = history.filter((h) => h.role === 'user').length + 1;
  const attached = files.length > 0 ? ` (files: ${files.map((f) => f.name).join(', ')})` : '';
  return [text(`turn ${turn}: ${said}${attached}`, { chunkSize: 6 })];
};
