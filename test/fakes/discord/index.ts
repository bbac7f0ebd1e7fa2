/**
 * A faithful fake of Discord for tests: REST v10 and the gateway on 127.0.0.1, so the real discord.js
 * client runs unchanged (`new Client({ rest: { api: fake.apiUrl } })`).
 */

export type { WaitForOptions } from '../shared/wait-for-change.js';
export {
  type AttachmentInput,
  DEFAULT_FAKE_DISCORD,
  type FakeDirectory,
  FakeDiscord,
  type FakeDiscordOptions,
  startFakeDiscord,
} from './fake-discord.js';
export type { GatewaySession, GatewayStats } from './gateway.js';
export type { RecordedCall, RecordedDownload, SentBody } from './http/recorder.js';
export { checkDiscordConformance, type DiscordSpec, loadDiscordSpec } from './spec.js';
export type { FakeAttachment, FakeChannel, FakeInteraction, FakeMessage, FakePermission } from './world.js';
