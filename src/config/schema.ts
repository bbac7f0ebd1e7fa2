import { z } from 'zod';
import type { BackendName } from '../core/backend-name.js';
import { instructionsFile, responsesOnlyProblem, type ToolChoice, toolList } from './assistant-fields.js';
import {
  commaList,
  httpUrl,
  limit,
  MAX_TIMER_MS,
  oneOf,
  optionalText,
  positiveInt,
  requiredText,
  textOr,
} from './fields.js';
import type { AnyPlatformSection, PlatformConfigs } from './platform-section.js';
import { parseStoreUrl } from './store-url.js';
import type {
  AppConfig,
  AssistantConfig,
  CleanupConfig,
  ConversationMode,
  LimitsConfig,
  StoreOutageConfig,
  ToolDisplay,
} from './types.js';

/** pino's levels, in the order pino ranks them. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** The values of `ASSISTANT_BACKEND`. */
export const BACKEND_NAMES = ['responses', 'assistants'] as const satisfies readonly BackendName[];
/** The values of `OPENAI_CONVERSATION_MODE` (Responses backend). */
export const CONVERSATION_MODES = [
  'conversations',
  'previous_response',
] as const satisfies readonly ConversationMode[];

/** Defaults of the assistant section. */
export const DEFAULT_ASSISTANT = {
  backend: 'responses',
  conversationMode: 'conversations',
  name: 'threadloom',
  model: 'o3',
  instructions:
    'You are a helpful assistant in a team chat. Answer clearly and concisely, using Markdown that chat ' +
    'apps render. Use the code interpreter for calculations, data work and charts, and file search to ' +
    'answer from the files you were given; say which sources you used. If you are unsure, say so.',
  tools: ['code_interpreter', 'file_search', 'current_time'],
} as const satisfies Pick<
  AssistantConfig,
  'backend' | 'conversationMode' | 'name' | 'model' | 'instructions'
> & {
  tools: readonly string[];
};

/** Defaults of the run limits. */
export const DEFAULT_LIMITS = {
  runTimeoutMs: 300_000,
  toolTimeoutMs: 30_000,
  maxQueuedMessages: 20,
  maxAttachmentMb: 20,
  /** Code-interpreter steps can be quiet for a while; two minutes of silence is a stuck stream. */
  streamStallMs: 120_000,
  /** Well inside the 30 s most orchestrators wait between SIGTERM and SIGKILL. */
  shutdownGraceMs: 20_000,
  conversationLeaseMs: 30_000,
  /** A tool call waiting for a person's approval counts as denied after ten minutes. */
  approvalTimeoutMs: 600_000,
} as const satisfies Record<string, number>;

/** The values of `TOOL_DISPLAY`. */
export const TOOL_DISPLAYS = ['full', 'summary', 'off'] as const satisfies readonly ToolDisplay[];

/** Defaults of what every chat platform shows. */
export const DEFAULT_PLATFORM = {
  toolDisplay: 'full',
} as const satisfies {
  toolDisplay: ToolDisplay;
};

/** Access and cost limits; 0 is "no limit". A chat bot should not be flooded by one user by default. */
export const DEFAULT_ACCESS_LIMITS = {
  perUserPerMinute: 20,
  dailyTokensPerUser: 0,
  dailyTokensPerConversation: 0,
} as const satisfies LimitsConfig;

/** Idle conversations are deleted after 30 days; the sweep looks once an hour. */
export const DEFAULT_CLEANUP = {
  threadTtlDays: 30,
  intervalMs: 60 * 60 * 1000,
} as const satisfies CleanupConfig;

/** The longest `THREAD_TTL_DAYS` whose milliseconds are still a safe integer (about 285,000 years). */
export const MAX_THREAD_TTL_DAYS = Math.floor(Number.MAX_SAFE_INTEGER / 86_400_000);

/**
 * A store blink (a Redis restart, a failover, a busy SQLite file) costs a pause: calls wait up to 5 s,
 * and messages that arrive meanwhile are held for a minute before the user is asked to send again.
 */
export const DEFAULT_STORE_OUTAGE = {
  retryMs: 5_000,
  holdMs: 60_000,
} as const satisfies StoreOutageConfig;

/** An embedded SQLite file under the working directory: one instance needs nothing else. */
export const DEFAULT_STORE_URL = 'sqlite://./data/threadloom.sqlite' as const satisfies string;
/** HTTP port for Slack's HTTP mode and the health endpoints. */
export const DEFAULT_PORT = 3000 as const satisfies number;
/** Where the console adapter saves generated images and files. */
export const DEFAULT_CONSOLE_OUTPUT_DIR = './output' as const satisfies string;
export const DEFAULT_LOG_LEVEL = 'info' as const satisfies AppConfig['logLevel'];

/**
 * What the environment alone gives: the configuration without the profiles, and the profiles file to
 * read them from (`loadConfig` reads it, since header values come from the raw environment).
 */
export type EnvConfig = Omit<AppConfig, 'profiles' | 'platforms' | 'platformSecrets'> & {
  profilesFile: string | undefined;
};

/** What the schema needs from outside: the function tools that exist, and a way to read a file. */
export interface EnvSchemaDeps {
  knownTools: readonly string[];
  readFile: (path: string) => string;
}

/**
 * The one schema over the environment: each variable's rule, then the rules between variables, then
 * the mapping to `AppConfig`. Issues carry the variable name as their path and a hint as their message.
 */
export function createEnvSchema(deps: EnvSchemaDeps) {
  const mb = 1024 * 1024;
  return z
    .object({
      OPENAI_API_KEY: requiredText('set it to your OpenAI API key (any value for a local compatible server)'),
      OPENAI_BASE_URL: httpUrl('http://127.0.0.1:8080/v1'),
      ASSISTANT_BACKEND: oneOf(BACKEND_NAMES, DEFAULT_ASSISTANT.backend),
      OPENAI_CONVERSATION_MODE: oneOf(CONVERSATION_MODES, DEFAULT_ASSISTANT.conversationMode),
      ASSISTANT_ID: optionalText(),
      ASSISTANT_NAME: textOr(DEFAULT_ASSISTANT.name),
      ASSISTANT_MODEL: textOr(DEFAULT_ASSISTANT.model),
      ASSISTANT_INSTRUCTIONS: optionalText(),
      ASSISTANT_INSTRUCTIONS_FILE: instructionsFile(deps.readFile),
      ASSISTANT_TOOLS: toolList(deps.knownTools, DEFAULT_ASSISTANT.tools),
      VECTOR_STORE_IDS: commaList(),
      PROFILES_FILE: optionalText(),
      TOOL_DISPLAY: oneOf(TOOL_DISPLAYS, DEFAULT_PLATFORM.toolDisplay),
      PORT: positiveInt(DEFAULT_PORT, 65_535),
      STORE_URL: textOr(DEFAULT_STORE_URL).transform((value, ctx) => {
        const result = parseStoreUrl(value);
        if (result.ok) return result.store;
        ctx.addIssue(result.problem);
        return z.NEVER;
      }),
      STORE_RETRY_MS: limit(DEFAULT_STORE_OUTAGE.retryMs, 'no retries', MAX_TIMER_MS),
      STORE_HOLD_MS: limit(DEFAULT_STORE_OUTAGE.holdMs, 'not holding messages', MAX_TIMER_MS),
      RUN_TIMEOUT_MS: positiveInt(DEFAULT_LIMITS.runTimeoutMs, MAX_TIMER_MS),
      TOOL_TIMEOUT_MS: positiveInt(DEFAULT_LIMITS.toolTimeoutMs, MAX_TIMER_MS),
      MAX_QUEUED_MESSAGES: positiveInt(DEFAULT_LIMITS.maxQueuedMessages),
      STREAM_STALL_MS: positiveInt(DEFAULT_LIMITS.streamStallMs, MAX_TIMER_MS),
      SHUTDOWN_GRACE_MS: positiveInt(DEFAULT_LIMITS.shutdownGraceMs, MAX_TIMER_MS),
      CONVERSATION_LEASE_MS: positiveInt(DEFAULT_LIMITS.conversationLeaseMs, MAX_TIMER_MS),
      APPROVAL_TIMEOUT_MS: positiveInt(DEFAULT_LIMITS.approvalTimeoutMs, MAX_TIMER_MS),
      MAX_ATTACHMENT_MB: positiveInt(
        DEFAULT_LIMITS.maxAttachmentMb,
        Math.floor(Number.MAX_SAFE_INTEGER / mb),
      ),
      CONSOLE_OUTPUT_DIR: textOr(DEFAULT_CONSOLE_OUTPUT_DIR),
      RATE_LIMIT_PER_USER_PER_MIN: limit(DEFAULT_ACCESS_LIMITS.perUserPerMinute),
      DAILY_TOKEN_BUDGET_PER_USER: limit(DEFAULT_ACCESS_LIMITS.dailyTokensPerUser),
      DAILY_TOKEN_BUDGET_PER_CONVERSATION: limit(DEFAULT_ACCESS_LIMITS.dailyTokensPerConversation),
      THREAD_TTL_DAYS: limit(DEFAULT_CLEANUP.threadTtlDays, 'never cleaning up', MAX_THREAD_TTL_DAYS),
      CLEANUP_INTERVAL_MS: positiveInt(DEFAULT_CLEANUP.intervalMs, MAX_TIMER_MS),
      LOG_LEVEL: oneOf(LOG_LEVELS, DEFAULT_LOG_LEVEL),
    })
    .superRefine(
      (env, ctx) => {
        if (env.ASSISTANT_INSTRUCTIONS !== undefined && env.ASSISTANT_INSTRUCTIONS_FILE !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['ASSISTANT_INSTRUCTIONS_FILE'],
            message: 'cannot be set together with ASSISTANT_INSTRUCTIONS; set only one of them',
          });
        }
        const hostedProblem = responsesOnlyProblem(env.ASSISTANT_BACKEND, toolNames(env.ASSISTANT_TOOLS));
        if (hostedProblem)
          ctx.addIssue({ code: 'custom', path: ['ASSISTANT_TOOLS'], message: hostedProblem });
      },
      // Runs even when single variables failed, so that one error lists every problem. A variable that
      // failed holds an opaque placeholder here, which still reads as "set": these rules only ask that.
      { when: () => true },
    )
    .transform(
      (env): EnvConfig => ({
        profilesFile: env.PROFILES_FILE,
        logLevel: env.LOG_LEVEL,
        openai: { apiKey: env.OPENAI_API_KEY, baseURL: env.OPENAI_BASE_URL },
        assistant: {
          backend: env.ASSISTANT_BACKEND,
          conversationMode: env.OPENAI_CONVERSATION_MODE,
          id: env.ASSISTANT_ID,
          name: env.ASSISTANT_NAME,
          model: env.ASSISTANT_MODEL,
          instructions:
            env.ASSISTANT_INSTRUCTIONS_FILE ?? env.ASSISTANT_INSTRUCTIONS ?? DEFAULT_ASSISTANT.instructions,
          ...env.ASSISTANT_TOOLS,
          vectorStoreIds: env.VECTOR_STORE_IDS,
        },
        run: {
          timeoutMs: env.RUN_TIMEOUT_MS,
          toolTimeoutMs: env.TOOL_TIMEOUT_MS,
          maxQueuedMessages: env.MAX_QUEUED_MESSAGES,
          maxAttachmentBytes: env.MAX_ATTACHMENT_MB * mb,
          streamStallMs: env.STREAM_STALL_MS,
          shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
          conversationLeaseMs: env.CONVERSATION_LEASE_MS,
        },
        limits: {
          perUserPerMinute: env.RATE_LIMIT_PER_USER_PER_MIN,
          dailyTokensPerUser: env.DAILY_TOKEN_BUDGET_PER_USER,
          dailyTokensPerConversation: env.DAILY_TOKEN_BUDGET_PER_CONVERSATION,
        },
        cleanup: { threadTtlDays: env.THREAD_TTL_DAYS, intervalMs: env.CLEANUP_INTERVAL_MS },
        approvals: { timeoutMs: env.APPROVAL_TIMEOUT_MS },
        store: env.STORE_URL,
        storeOutage: { retryMs: env.STORE_RETRY_MS, holdMs: env.STORE_HOLD_MS },
        port: env.PORT,
        consoleOutputDir: env.CONSOLE_OUTPUT_DIR,
        toolDisplay: env.TOOL_DISPLAY,
      }),
    );
}

/**
 * The chat platforms' variables, from the sections the composition root hands in (see
 * platform-section.ts): each section's rules, the rules between its variables, and its configuration.
 */
export function createPlatformsSchema(sections: readonly AnyPlatformSection[]) {
  const fields = Object.assign({}, ...sections.map((section) => section.fields)) as z.ZodRawShape;
  return z
    .object(fields)
    .superRefine(
      (env, ctx) => {
        for (const section of sections) {
          for (const { variable, message } of section.check?.(env) ?? []) {
            ctx.addIssue({ code: 'custom', path: [variable], message });
          }
        }
      },
      { when: () => true },
    )
    .transform((env) => {
      const platforms: Record<string, unknown> = {};
      const secrets: string[] = [];
      for (const section of sections) {
        const config = section.build(env);
        platforms[section.name] = config;
        if (config === undefined) continue;
        for (const secret of section.secrets(config)) if (secret) secrets.push(secret);
      }
      return { platforms: platforms as unknown as PlatformConfigs, platformSecrets: secrets };
    });
}

/** The hosted tools a tool choice enables, by name (a variable that failed holds no choice). */
function toolNames(choice: ToolChoice | undefined): string[] {
  if (typeof choice !== 'object' || choice === null) return [];
  return [
    ...(choice.webSearch ? ['web_search'] : []),
    ...(choice.imageGeneration ? ['image_generation'] : []),
  ];
}
