import type { FakeOpenAI, SentRecord } from '../src/model-server/index.js';

/** The request that makes the model write: a run (Assistants) or a response (Responses). */
const STARTS_MODEL = /^\/threads\/[^/]+\/runs$|^\/responses$/;

function isTextDelta(record: SentRecord): boolean {
  if (record.kind !== 'event') return false;
  const payload = record.payload as { event?: string; type?: string };
  return payload.event === 'thread.message.delta' || payload.type === 'response.output_text.delta';
}

/**
 * The fake model's own time to first token in a turn that began at `since`: from the fake receiving
 * the request that starts the model to it sending the first text delta (the model's thinking and
 * streaming set-up, which no client can save). Undefined when no text came.
 */
export function modelTimeToFirstToken(fake: FakeOpenAI, since: number): number | undefined {
  const start = modelRequest(fake, since);
  if (!start) return undefined;
  const first = fake.sent.find((s) => s.request === start.index && isTextDelta(s));
  return first && first.at - start.at;
}

/** When the request that made the model write in a turn that began at `since` reached the fake. */
export function modelRequestAt(fake: FakeOpenAI, since: number): number | undefined {
  return modelRequest(fake, since)?.at;
}

function modelRequest(fake: FakeOpenAI, since: number) {
  const requests = fake.requests;
  let start: (typeof requests)[number] | undefined;
  for (let i = requests.length - 1; i >= 0; i--) {
    const request = requests[i];
    if (!request || request.at < since) break;
    if (request.method === 'POST' && STARTS_MODEL.test(request.path)) start = request;
  }
  return start;
}

/** Requests to the model service since `since`, by `METHOD /path` with ids replaced by `{id}`. */
export function requestsSince(fake: FakeOpenAI, since: number): string[] {
  return fake.requests
    .filter((r) => r.at >= since)
    .map(
      (r) => `${r.method} ${r.path.replace(/\/(?:[a-z]+_[A-Za-z0-9]{16,}|file-[A-Za-z0-9]{16,})/g, '/{id}')}`,
    );
}
