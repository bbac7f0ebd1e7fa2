import type { Assistant, AssistantStreamEvent } from 'openai/resources/beta/assistants';
import type { Message } from 'openai/resources/beta/threads/messages';
import type { Run } from 'openai/resources/beta/threads/runs/runs';
import type { RunStep } from 'openai/resources/beta/threads/runs/steps';
import type { Thread } from 'openai/resources/beta/threads/threads';
import type { FileObject } from 'openai/resources/files';
import { type AssistantsLayer, createAssistantsLayer } from './assistants/assistants-layer.js';
import { fileRoutes } from './files/file-routes.js';
import { FileStore } from './files/file-store.js';
import { Faults, pathPattern, type StreamFault } from './http/faults.js';
import { type RecordedRequest, Recorder, type SentRecord } from './http/recorder.js';
import { Router } from './http/router.js';
import { type RunningServer, startHttpServer } from './http/server.js';
import type { ContainerFileObject } from './responses/containers.js';
import { createResponsesLayer, type ResponsesLayer } from './responses/responses-layer.js';
import type { ConversationObject } from './responses/state.js';
import type { StoredItem, StreamEvent, WireResponse } from './responses/wire.js';
import { echoScript, type ModelScript } from './script.js';
import { type WaitForOptions, waitForChange } from './wait-for-change.js';

export interface FakeOpenAIOptions {
  /** The model; defaults to `echoScript` ("You said: ..."). */
  script?: ModelScript;
  /** The `openai-poll-after-ms` header on run endpoints (default 50, so SDK pollers do not sleep 5 s). */
  pollAfterMs?: number;
  /** How long after creation a run expires, in requires_action or not (default 10 minutes, as the service). */
  requiresActionExpiryMs?: number;
  /** Default 0: any free port. */
  port?: number;
  /** When set, other bearer tokens get 401 invalid_api_key; otherwise any non-empty token is accepted. */
  apiKey?: string;
}

export const DEFAULT_FAKE_OPENAI = {
  pollAfterMs: 50,
  requiresActionExpiryMs: 10 * 60 * 1000,
} as const satisfies Required<Pick<FakeOpenAIOptions, 'pollAfterMs' | 'requiresActionExpiryMs'>>;

export type { WaitForOptions };

/** What tests may change while the server runs; the layers read it on each use. */
interface LiveSettings {
  script: ModelScript;
  apiKey: string | undefined;
  pollAfterMs: number;
  requiresActionExpiryMs: number;
}

/** A local OpenAI server for tests: the real SDK talks to `url` unchanged. */
export class FakeOpenAI {
  /** `http://127.0.0.1:<port>/v1`, for `new OpenAI({ baseURL })`. */
  readonly url: string;
  readonly port: number;
  readonly #server: RunningServer;
  readonly #recorder: Recorder;
  readonly #faults: Faults;
  readonly #files: FileStore;
  readonly #assistants: AssistantsLayer;
  readonly #responses: ResponsesLayer;
  readonly #settings: LiveSettings;

  private constructor(parts: {
    server: RunningServer;
    recorder: Recorder;
    faults: Faults;
    files: FileStore;
    assistants: AssistantsLayer;
    responses: ResponsesLayer;
    settings: LiveSettings;
  }) {
    this.#server = parts.server;
    this.url = parts.server.url;
    this.port = parts.server.port;
    this.#recorder = parts.recorder;
    this.#faults = parts.faults;
    this.#files = parts.files;
    this.#assistants = parts.assistants;
    this.#responses = parts.responses;
    this.#settings = parts.settings;
  }

  /** Starts the server on 127.0.0.1. */
  static async start(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
    const settings: LiveSettings = {
      script: options.script ?? echoScript,
      apiKey: options.apiKey,
      pollAfterMs: options.pollAfterMs ?? DEFAULT_FAKE_OPENAI.pollAfterMs,
      requiresActionExpiryMs: options.requiresActionExpiryMs ?? DEFAULT_FAKE_OPENAI.requiresActionExpiryMs,
    };
    const recorder = new Recorder();
    const faults = new Faults();
    const files = new FileStore();
    const assistants = createAssistantsLayer({
      files,
      faults,
      script: () => settings.script,
      pollAfterMs: () => settings.pollAfterMs,
      requiresActionExpiryMs: () => settings.requiresActionExpiryMs,
      changed: () => recorder.changed(),
    });
    let url = '';
    const responses = createResponsesLayer({
      files,
      faults,
      script: () => settings.script,
      baseUrl: () => url,
      changed: () => recorder.changed(),
    });
    const router = new Router();
    router.add(...fileRoutes(files), ...assistants.routes, ...responses.routes);
    const server = await startHttpServer({
      router,
      recorder,
      faults,
      ...(options.port !== undefined && { port: options.port }),
      apiKey: () => settings.apiKey,
    });
    url = server.url;
    return new FakeOpenAI({ server, recorder, faults, files, assistants, responses, settings });
  }

  /** The `openai-poll-after-ms` header value; takes effect on the next response. */
  get pollAfterMs(): number {
    return this.#settings.pollAfterMs;
  }

  set pollAfterMs(ms: number) {
    this.#settings.pollAfterMs = ms;
  }

  /**
   * The one API key accepted from now on (others get 401 invalid_api_key); undefined accepts any.
   * Changing it is an operator rotating the key, or a revoked key's project being enabled again.
   */
  get apiKey(): string | undefined {
    return this.#settings.apiKey;
  }

  set apiKey(key: string | undefined) {
    this.#settings.apiKey = key;
  }

  /** Expiry of runs created from now on. */
  get requiresActionExpiryMs(): number {
    return this.#settings.requiresActionExpiryMs;
  }

  set requiresActionExpiryMs(ms: number) {
    this.#settings.requiresActionExpiryMs = ms;
  }

  async close(): Promise<void> {
    this.#assistants.engine.shutdown();
    this.#responses.engine.shutdown();
    await this.#server.close();
  }

  /**
   * Replaces the model for the next round of every run or response (rounds already playing finish
   * as they were).
   */
  setScript(script: ModelScript): void {
    this.#settings.script = script;
  }

  /** Every request, in order of arrival (including those answered with a fault). */
  get requests(): readonly RecordedRequest[] {
    return this.#recorder.requests;
  }

  /** Every JSON body, SSE event and file content sent, with the spec schema each must match. */
  get sent(): readonly SentRecord[] {
    return this.#recorder.sent;
  }

  /** Forgets recorded requests and sent bodies (state and faults stay). */
  clearRecords(): void {
    this.#recorder.clear();
  }

  // ---- Faults ----

  /**
   * The next `method` request whose path (without /v1) matches gets `status` with `body` (default:
   * the service's body for that status) and `headers` (e.g. `{ 'retry-after': '1' }`). One-shot;
   * call it again for several.
   */
  failNext(
    method: string,
    path: string | RegExp,
    status: number,
    body?: unknown,
    headers?: Record<string, string>,
  ): void {
    this.#faults.add({
      method: method.toUpperCase(),
      pattern: pathPattern(path),
      action: { kind: 'fail', status, ...(body !== undefined && { body }), ...(headers && { headers }) },
    });
  }

  /** The next matching request loses its connection without an answer (a network error for the client). */
  dropNext(method: string, path: string | RegExp): void {
    this.#faults.add({ method: method.toUpperCase(), pattern: pathPattern(path), action: { kind: 'drop' } });
  }

  /** Faults set with failNext/dropNext that have not fired yet. */
  get pendingFaults(): number {
    return this.#faults.pending;
  }

  /** See `StreamFault`: `'reject'` answers `stream: true` with 400; `{ cutAfterEvents }` cuts streams. */
  get streamUnavailable(): StreamFault {
    return this.#faults.stream;
  }

  set streamUnavailable(fault: StreamFault) {
    this.#faults.stream = fault;
  }

  // ---- State, as the wire shows it (copies) ----

  assistants(): Assistant[] {
    return structuredClone([...this.#assistants.state.assistants.values()]);
  }

  threads(): Thread[] {
    return [...this.#assistants.state.threads.values()].map((t) => structuredClone(t.thread));
  }

  /** Oldest first; empty for an unknown or deleted thread. */
  messages(threadId: string): Message[] {
    return structuredClone(this.#assistants.state.threads.get(threadId)?.messages ?? []);
  }

  /** Oldest first; every thread's when `threadId` is absent. */
  runs(threadId?: string): Run[] {
    const all = [...this.#assistants.state.runs.values()].map((r) => r.run);
    return structuredClone(threadId === undefined ? all : all.filter((r) => r.thread_id === threadId));
  }

  run(runId: string): Run | undefined {
    const record = this.#assistants.state.runs.get(runId);
    return record && structuredClone(record.run);
  }

  steps(runId: string): RunStep[] {
    return structuredClone(this.#assistants.state.runs.get(runId)?.steps ?? []);
  }

  /** Every event the run emitted, streamed or not. */
  runEvents(runId: string): AssistantStreamEvent[] {
    return structuredClone(this.#assistants.state.runs.get(runId)?.events ?? []);
  }

  files(): FileObject[] {
    return this.#files.list().map((f) => structuredClone(f.object));
  }

  fileBytes(fileId: string): Uint8Array | undefined {
    return this.#files.get(fileId)?.bytes;
  }

  // ---- Responses, Conversations and containers (as stored: tool outputs and results included) ----

  conversations(): ConversationObject[] {
    return [...this.#responses.state.conversations.values()].map((c) => structuredClone(c.conversation));
  }

  /** Oldest first; empty for an unknown or deleted conversation. */
  conversationItems(conversationId: string): StoredItem[] {
    return structuredClone(this.#responses.state.conversations.get(conversationId)?.items ?? []);
  }

  /** Oldest first, `store: false` ones included; every conversation's (and none's) when absent. */
  responses(conversationId?: string): WireResponse[] {
    const all = [...this.#responses.state.responses.values()].map((r) => r.response);
    return structuredClone(
      conversationId === undefined ? all : all.filter((r) => r.conversation?.id === conversationId),
    );
  }

  response(responseId: string): WireResponse | undefined {
    const record = this.#responses.state.responses.get(responseId);
    return record && structuredClone(record.response);
  }

  /**
   * The status of a run or a response, by id: for scenarios that run the same on either API (a
   * contract suite waiting for `cancelled`, whichever backend it drives).
   */
  statusOf(runOrResponseId: string): string | undefined {
    return this.run(runOrResponseId)?.status ?? this.response(runOrResponseId)?.status;
  }

  /** Every event the response emitted, numbered, streamed or not. */
  responseEvents(responseId: string): StreamEvent[] {
    return structuredClone(this.#responses.state.responses.get(responseId)?.events ?? []);
  }

  /** Ids of the code-interpreter containers, oldest first. */
  containers(): string[] {
    return this.#responses.containers.list().map((c) => c.id);
  }

  /** Oldest first; empty for an unknown container. */
  containerFiles(containerId: string): ContainerFileObject[] {
    return (this.#responses.containers.get(containerId)?.files ?? []).map((f) => structuredClone(f.object));
  }

  containerFileBytes(containerId: string, fileId: string): Uint8Array | undefined {
    return this.#responses.containers.get(containerId)?.files.find((f) => f.object.id === fileId)?.bytes;
  }

  /** Puts a file in the store directly, e.g. the document a file_search citation points at. */
  addFile(input: {
    filename: string;
    bytes: Uint8Array | string;
    purpose?: FileObject['purpose'];
    mimeType?: string;
  }): FileObject {
    const bytes = typeof input.bytes === 'string' ? new TextEncoder().encode(input.bytes) : input.bytes;
    const stored = this.#files.add({
      filename: input.filename,
      bytes,
      purpose: input.purpose ?? 'assistants',
      ...(input.mimeType !== undefined && { mimeType: input.mimeType }),
    });
    return structuredClone(stored.object);
  }

  /**
   * Resolves with `probe()`'s first truthy value, re-checking whenever a request arrives, a body is
   * sent or a run or response changes. Rejects after `timeoutMs` (default 5000) instead of sleeping blind.
   */
  waitFor<T>(probe: () => T | undefined | null | false, options: WaitForOptions = {}): Promise<T> {
    return waitForChange('fake OpenAI', (listener) => this.#recorder.onChange(listener), probe, options);
  }
}

/** Starts a fake OpenAI server on 127.0.0.1 (port 0 unless given). */
export function startFakeOpenAI(options?: FakeOpenAIOptions): Promise<FakeOpenAI> {
  return FakeOpenAI.start(options);
}
