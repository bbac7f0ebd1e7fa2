import OpenAI from 'openai';
import type {
  Response,
  ResponseCreateParamsStreaming,
  ResponseOutputText,
} from 'openai/resources/responses/responses';
import { expect } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../../../src/model-server/fake-openai.js';
import { specsPresent } from '../shared/specs.js';
import { type ConformanceReport, checkConformance } from './conformance.js';
import { loadOpenAISpec, type OpenAISpec } from './spec.js';

/**
 * The check after every conformance test: what this test made the fake send (and accept) validated
 * against the spec, and there was something to validate, so the check cannot pass vacuously. Without
 * ../shared/specs the test's own assertions still ran; only this check is left out (said once per run).
 */
export function expectConformingTraffic(harness: {
  fake: FakeOpenAI;
  checkAndClear(): ConformanceReport;
}): void {
  if (!specsPresent()) {
    harness.fake.clearRecords(); // as the check would: the next test reads only its own records
    return;
  }
  const report = harness.checkAndClear();
  expect(report.violations).toEqual([]);
  expect(report.checked).toBeGreaterThan(0);
}

/**
 * The spec check at the end of a test of behaviour: nothing the fake sent or accepted breaks the spec.
 * Without ../shared/specs the behaviour was still tested; only this check is left out.
 */
export function expectNoSpecViolations(fake: FakeOpenAI): void {
  if (specsPresent()) expect(checkConformance(loadOpenAISpec(), fake).violations).toEqual([]);
}

/** What the spec-conformance test files share: the spec, a fake, an SDK client and an assistant. */
export interface ConformanceHarness {
  /** Loaded on first use, so that a plain clone without ../shared/specs runs the rest. */
  readonly spec: OpenAISpec;
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
  const fake = await startFakeOpenAI({ pollAfterMs: 5 });
  const client = new OpenAI({ baseURL: fake.url, apiKey: 'test', maxRetries: 0 });
  const assistant = await client.beta.assistants.create({
    model: 'o3',
    tools: [{ type: 'code_interpreter' }],
  });
  return {
    get spec() {
      return loadOpenAISpec();
    },
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
      const report = checkConformance(loadOpenAISpec(), fake);
      fake.clearRecords();
      return report;
    },
    close: () => fake.close(),
  };
}

/** What the Responses conformance tests share: the spec, a fake and an SDK client. */
export interface ResponsesHarness {
  /** Loaded on first use, so that a plain clone without ../shared/specs runs the rest. */
  readonly spec: OpenAISpec;
  fake: FakeOpenAI;
  client: OpenAI;
  /** The `type`s of the Responses stream events sent since the records were last cleared. */
  streamedTypes(): string[];
  /** Validates the traffic since the last call, then forgets it, so each test is judged on its own. */
  checkAndClear(): ConformanceReport;
  close(): Promise<void>;
}

export async function openResponsesHarness(): Promise<ResponsesHarness> {
  const fake = await startFakeOpenAI();
  const client = new OpenAI({ baseURL: fake.url, apiKey: 'test', maxRetries: 0 });
  return {
    get spec() {
      return loadOpenAISpec();
    },
    fake,
    client,
    streamedTypes: () =>
      fake.sent
        .filter((s) => s.schema === 'ResponseStreamEvent')
        .map((s) => (s.payload as { type: string }).type),
    checkAndClear() {
      const report = checkConformance(loadOpenAISpec(), fake);
      fake.clearRecords();
      return report;
    },
    close: () => fake.close(),
  };
}

/** Streams a response to its end and returns the final response of the terminal event. */
export async function streamed(client: OpenAI, params: Omit<ResponseCreateParamsStreaming, 'stream'>) {
  const stream = await client.responses.create({ ...params, stream: true });
  let final: Response | undefined;
  const deltas: string[] = [];
  for await (const event of stream) {
    if (event.type === 'response.output_text.delta') deltas.push(event.delta);
    if (
      event.type === 'response.completed' ||
      event.type === 'response.incomplete' ||
      event.type === 'response.failed'
    )
      final = event.response;
  }
  return { final, deltas };
}

/** The first part of the response's last (or `index`-th) message. */
export const textPart = (response: Response | undefined, index = -1): ResponseOutputText => {
  const message = response?.output.filter((o) => o.type === 'message').at(index);
  const part = message?.type === 'message' ? message.content[0] : undefined;
  if (part?.type !== 'output_text') throw new Error('no output_text');
  return part;
};
