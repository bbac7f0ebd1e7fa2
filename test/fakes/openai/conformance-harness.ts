import OpenAI from 'openai';
import { type ConformanceReport, checkConformance } from './conformance.js';
import { type FakeOpenAI, startFakeOpenAI } from './fake-openai.js';
import { loadOpenAISpec, type OpenAISpec } from './spec.js';

/** What the spec-conformance test files share: the spec, a fake, an SDK client and an assistant. */
export interface ConformanceHarness {
  spec: OpenAISpec;
  fake: FakeOpenAI;
  client: OpenAI;
  assistantId: string;
  /** A new thread holding one user message. */
  threadWith(message: string): Promise<string>;
  /** The names of the SSE events sent since the records were last cleared. */
  streamedEvents(): string[];
  /** Validates the traffic since the last call, then forgets it, so each test is judged on its own. */
  checkAndClear(): ConformanceReport;
  close(): Promise<void>;
}

export async function openConformanceHarness(): Promise<ConformanceHarness> {
  const spec = loadOpenAISpec();
  const fake = await startFakeOpenAI({ pollAfterMs: 5 });
  const client = new OpenAI({ baseURL: fake.url, apiKey: 'test', maxRetries: 0 });
  const assistant = await client.beta.assistants.create({
    model: 'o3',
    tools: [{ type: 'code_interpreter' }],
  });
  return {
    spec,
    fake,
    client,
    assistantId: assistant.id,
    async threadWith(message) {
      const thread = await client.beta.threads.create();
      await client.beta.threads.messages.create(thread.id, { role: 'user', content: message });
      return thread.id;
    },
    streamedEvents: () =>
      fake.sent.filter((s) => s.kind === 'event').map((s) => (s.payload as { event: string }).event),
    checkAndClear() {
      const report = checkConformance(spec, fake);
      fake.clearRecords();
      return report;
    },
    close: () => fake.close(),
  };
}
