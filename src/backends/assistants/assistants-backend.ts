import type OpenAI from 'openai';
import type { AssistantConfig } from '../../config/types.js';
import type { FileRef } from '../../core/annotations.js';
import type { ConversationKey } from '../../core/conversation.js';
import type { Logger } from '../../core/logger.js';
import type { InboundFile } from '../../core/messages.js';
import type { OutboundFile } from '../../core/reply-events.js';
import type { FunctionDefinition } from '../../core/tool-definition.js';
import type { AssistantRepository } from '../../store/types.js';
import type { Backend, BackendRun, RunRequest, UploadedFile } from '../backend.js';
import { toOutboundFile, uploadUserFile } from '../shared/files.js';
import { callApi, isNotFound } from '../shared/openai-client.js';
import { DEFAULT_STREAM_STALL_MS } from '../shared/stall-watchdog.js';
import { type DesiredAssistant, desiredAssistant, syncAssistant } from './assistant-sync.js';
import {
  AssistantsRun,
  DEFAULT_CANCEL_GRACE_MS,
  DEFAULT_POLLING,
  type PollingOptions,
} from './assistants-run.js';
import { type IgnoredSetting, runOverrides } from './run-overrides.js';

export interface AssistantsBackendOptions {
  client: OpenAI;
  assistant: AssistantConfig;
  functions: readonly FunctionDefinition[];
  assistants: AssistantRepository;
  logger: Logger;
  polling?: PollingOptions;
  cancelGraceMs?: number;
  /** `STREAM_STALL_MS`. */
  stallMs?: number;
}

/**
 * The Assistants API backend (threads, runs, run steps, submit_tool_outputs), as in the seed design.
 * OpenAI shut this API down on 2026-08-26; compatible servers still speak it.
 */
export class AssistantsBackend implements Backend {
  readonly name = 'assistants' as const;
  private assistantId: string | undefined;
  private readonly fileNames = new Map<string, string>();
  /** The assistant as the environment configures it: what a profile's runs override. */
  private readonly desired: DesiredAssistant;
  /** `profile:setting` already logged as ignored, so each is said once. */
  private readonly warned = new Set<string>();

  constructor(private readonly options: AssistantsBackendOptions) {
    this.desired = desiredAssistant(options.assistant, options.functions);
  }

  async prepare(): Promise<void> {
    if (this.assistantId) return;
    const { client, assistant } = this.options;
    if (assistant.id) {
      // An operator's own assistant is used as it is: its tools and instructions are theirs.
      const id = assistant.id;
      await callApi('retrieve ASSISTANT_ID', () => client.beta.assistants.retrieve(id));
      this.assistantId = id;
      return;
    }
    this.assistantId = await syncAssistant(
      client,
      this.options.assistants,
      this.desired,
      this.options.logger,
    );
  }

  async createThread(key: ConversationKey): Promise<string> {
    const thread = await callApi('create thread', () =>
      this.options.client.beta.threads.create({ metadata: { threadloom_conversation: key.slice(0, 512) } }),
    );
    return thread.id;
  }

  async deleteThread(threadId: string): Promise<void> {
    try {
      await this.options.client.beta.threads.delete(threadId);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  async uploadFile(file: InboundFile, use: UploadedFile['use']): Promise<UploadedFile> {
    const fileId = await uploadUserFile(this.options.client, file, use === 'image' ? 'vision' : 'assistants');
    this.fileNames.set(fileId, file.name);
    return { fileId, name: file.name, use };
  }

  startRun(request: RunRequest): BackendRun {
    if (!this.assistantId) throw new Error('AssistantsBackend.prepare() was not called');
    const { overrides, ignored } = runOverrides(request.profile, this.desired);
    for (const setting of ignored) this.warnIgnored(request.profile?.name ?? '', setting);
    return new AssistantsRun(
      {
        client: this.options.client,
        assistantId: this.assistantId,
        overrides,
        nameOf: (fileId) => this.fileName(fileId),
        logger: this.options.logger.child({ conversation: request.key }),
        polling: this.options.polling ?? DEFAULT_POLLING,
        cancelGraceMs: this.options.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS,
        stallMs: this.options.stallMs ?? DEFAULT_STREAM_STALL_MS,
      },
      request,
    );
  }

  async downloadFile(ref: FileRef): Promise<OutboundFile> {
    const name = ref.name ?? (await this.fileName(ref.fileId));
    const response = await callApi('download file', () => this.options.client.files.content(ref.fileId));
    return toOutboundFile(response, name);
  }

  /** Says once per profile that part of it cannot apply on this API. */
  private warnIgnored(profile: string, setting: IgnoredSetting): void {
    if (this.warned.has(`${profile}:${setting}`)) return;
    this.warned.add(`${profile}:${setting}`);
    this.options.logger.warn(
      { profile, setting },
      setting === 'mcp_servers'
        ? 'MCP servers are a Responses API tool: the Assistants backend ignores them'
        : "a run cannot choose vector stores on the Assistants API: file search uses the assistant's",
    );
  }

  /** A file's name at the service, cached: citations name the same files again and again. */
  private async fileName(fileId: string): Promise<string> {
    const known = this.fileNames.get(fileId);
    if (known) return known;
    const file = await callApi('retrieve file', () => this.options.client.files.retrieve(fileId));
    const name = file.filename.split('/').pop() || fileId;
    this.fileNames.set(fileId, name);
    return name;
  }
}
