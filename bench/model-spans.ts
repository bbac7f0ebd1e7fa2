import type { FakeOpenAI, SentRecord } from '../src/model-server/index.js';
import { now } from './stats.js';

/** When the model wrote one answer: its first and its last text delta (ms since the epoch). */
export interface ModelSpan {
  firstTokenAt: number;
  lastTokenAt: number;
}

function isTextDelta(record: SentRecord): boolean {
  if (record.kind !== 'event') return false;
  const payload = record.payload as { event?: string; type?: string };
  return payload.event === 'thread.message.delta' || payload.type === 'response.output_text.delta';
}

/**
 * The model's span for each question, found by the question's exact text in the request that made
 * the model write (`POST /responses`, or a run's thread message): `questions[i]` → `spans[i]`
 * (undefined when the model never wrote for it).
 */
export function modelSpans(fake: FakeOpenAI, questions: readonly string[]): (ModelSpan | undefined)[] {
  const byQuestion = new Map<string, number>();
  for (const request of fake.requests) {
    if (request.method !== 'POST' || request.path !== '/responses') continue;
    const body = JSON.stringify(request.json ?? '');
    for (const question of questions) {
      // The closing quote makes "question 1" not match "question 10".
      if (body.includes(`${JSON.stringify(question).slice(0, -1)}"`)) byQuestion.set(question, request.index);
    }
  }
  const spans = new Map<number, ModelSpan>();
  for (const record of fake.sent) {
    if (!isTextDelta(record)) continue;
    const span = spans.get(record.request);
    if (span) span.lastTokenAt = record.at;
    else spans.set(record.request, { firstTokenAt: record.at, lastTokenAt: record.at });
  }
  return questions.map((q) => {
    const index = byQuestion.get(q);
    return index === undefined ? undefined : spans.get(index);
  });
}

/**
 * `Date.now()` minus the bench clock (`now()`, which the fake model service records with): the fakes
 * of the chat platforms stamp their calls with `Date.now()`, so model times are shifted by this.
 */
export function clockOffset(): number {
  const samples = Array.from({ length: 5 }, () => Date.now() - now());
  return samples.sort((a, b) => a - b)[2] ?? 0;
}
