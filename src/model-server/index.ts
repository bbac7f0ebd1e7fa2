/**
 * A faithful fake of the OpenAI API for tests and the demo: a real HTTP server on 127.0.0.1 that the
 * real `openai` SDK talks to unchanged (`new OpenAI({ baseURL: fake.url, apiKey: 'test', maxRetries: 0 })`).
 */

export { demoScript } from './demo-script.js';
export {
  DEFAULT_FAKE_OPENAI,
  FakeOpenAI,
  type FakeOpenAIOptions,
  startFakeOpenAI,
  type WaitForOptions,
} from './fake-openai.js';
export type { StreamFault } from './http/faults.js';
export type { MultipartField, RecordedRequest, SentRecord } from './http/recorder.js';
export type { StreamCut } from './http/sse.js';
export { chartFile, parabolaPng, plotPng, squaresCsv } from './png-chart.js';
export type { ContainerFileObject } from './responses/containers.js';
export type { ConversationObject } from './responses/state.js';
export type * from './responses/wire.js';
export * from './script.js';
