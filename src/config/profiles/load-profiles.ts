import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { HOSTED_TOOLS, responsesOnlyProblem } from '../assistant-fields.js';
import type { AssistantConfig, Env } from '../types.js';
import { type ProfileEntry, type ProfilesFile, profilesFileSchema } from './file-schema.js';
import { resolveHeaders } from './headers.js';
import { resolveHttpTool } from './http-tools.js';
import type { McpServerSpec } from './mcp-server-spec.js';
import { type FilePath, Problems } from './problems.js';
import { DEFAULT_PROFILE_NAME, type Profile, type Profiles } from './types.js';

/** What reading a profiles file needs from outside. */
export interface ProfilesDeps {
  /** Where `${env:NAME}` and `{ env: NAME }` are looked up. */
  env: Env;
  /** The environment's assistant: the default profile, and what a profile leaves out. */
  assistant: AssistantConfig;
  /** Built-in function tool names a profile may enable. */
  knownTools: readonly string[];
  /** Reads the file and instructions files (UTF-8). */
  readFile: (path: string) => string;
}

/** Profile names: what the file's mappings and logs can quote without ambiguity. */
const PROFILE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** `discord:<guild>/<channel>` or `slack:<team>/<channel>`. */
const CHANNEL_KEY = /^(discord|slack):[^/\s]+\/[^/\s]+$/;

/** The environment's assistant as a profile. */
export function profileFromAssistant(assistant: AssistantConfig): Profile {
  return {
    model: assistant.model,
    instructions: assistant.instructions,
    codeInterpreter: assistant.codeInterpreter,
    fileSearch: assistant.fileSearch,
    webSearch: assistant.webSearch,
    imageGeneration: assistant.imageGeneration,
    functionTools: assistant.functionTools,
    mcpServers: [],
    vectorStoreIds: assistant.vectorStoreIds,
    temperature: undefined,
    reasoningEffort: undefined,
  };
}

/** Without a profiles file: one profile, `default`, from the environment, used everywhere. */
export function defaultProfiles(assistant: AssistantConfig): Profiles {
  return {
    file: undefined,
    profiles: new Map([[DEFAULT_PROFILE_NAME, profileFromAssistant(assistant)]]),
    defaultProfile: DEFAULT_PROFILE_NAME,
    directMessages: DEFAULT_PROFILE_NAME,
    channels: new Map(),
    httpTools: [],
    mcpServers: [],
  };
}

/**
 * Reads and validates a profiles file.
 * @throws ConfigError listing every problem by its path in the file (`profiles.support.model: ...`).
 */
export function loadProfilesFile(file: string, deps: ProfilesDeps): Profiles {
  let text: string;
  try {
    text = deps.readFile(file);
  } catch (error) {
    const problems = new Problems();
    problems.add([], `could not be read (${error instanceof Error ? error.message : String(error)})`);
    problems.throwIfAny(file);
    throw error;
  }
  return parseProfiles(text, file, deps);
}

/**
 * Validates the text of a profiles file; `file` names it in messages and anchors relative
 * `instructions_file` paths.
 * @throws ConfigError listing every problem by path.
 */
export function parseProfiles(text: string, file: string, deps: ProfilesDeps): Profiles {
  const problems = new Problems();
  const document = parseDocument(text, { prettyErrors: true });
  for (const error of document.errors) {
    const where = error.linePos?.[0];
    // The pretty message ends with " at line L, column C:" and an excerpt; the path says where.
    const message = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:$/, '');
    problems.add([where ? `line ${where.line} column ${where.col}` : '(yaml)'], message);
  }
  problems.throwIfAny(file);
  const parsed = profilesFileSchema.safeParse(document.toJS({ maxAliasCount: 100 }) ?? {});
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.add(issue.path, issue.message);
  }
  problems.throwIfAny(file);
  const profiles = resolveFile(parsed.data as ProfilesFile, file, deps, problems);
  problems.throwIfAny(file);
  return profiles;
}

function resolveFile(data: ProfilesFile, file: string, deps: ProfilesDeps, problems: Problems): Profiles {
  const httpTools = data.http_tools.flatMap((entry, index) => {
    const spec = resolveHttpTool(entry, ['http_tools', index], deps.env, problems);
    return spec ? [spec] : [];
  });
  const mcpServers = data.mcp_servers.map(
    (entry, index): McpServerSpec => ({
      serverLabel: entry.server_label,
      serverUrl: entry.server_url,
      serverDescription: entry.server_description,
      allowedTools: entry.allowed_tools,
      headers: resolveHeaders(entry.headers, deps.env, ['mcp_servers', index, 'headers'], problems),
      requireApproval: entry.require_approval,
    }),
  );
  const taken = new Set<string>([...HOSTED_TOOLS, ...deps.knownTools]);
  data.http_tools.forEach((entry, index) => {
    if (taken.has(entry.name))
      problems.add(['http_tools', index, 'name'], `"${entry.name}" is already a tool`);
    taken.add(entry.name);
  });
  data.mcp_servers.forEach((entry, index) => {
    if (taken.has(entry.server_label)) {
      problems.add(
        ['mcp_servers', index, 'server_label'],
        `"${entry.server_label}" is already a tool or server`,
      );
    }
    taken.add(entry.server_label);
  });
  const names = {
    functions: new Set([...deps.knownTools, ...data.http_tools.map((t) => t.name)]),
    servers: new Set(data.mcp_servers.map((s) => s.server_label)),
  };
  const base = profileFromAssistant(deps.assistant);
  const profiles = new Map<string, Profile>([[DEFAULT_PROFILE_NAME, base]]);
  for (const [name, entry] of Object.entries(data.profiles)) {
    if (!PROFILE_NAME.test(name)) {
      problems.add(['profiles', name], 'must be named with 1 to 64 letters, digits, _ or -');
    }
    profiles.set(name, resolveProfile(entry, ['profiles', name], { base, names, file, deps, problems }));
  }
  const known = (name: string, path: FilePath) => {
    if (!profiles.has(name)) {
      problems.add(path, `names no profile "${name}"; profiles are ${[...profiles.keys()].join(', ')}`);
    }
    return name;
  };
  const defaultProfile = known(data.default ?? DEFAULT_PROFILE_NAME, ['default']);
  const channels = new Map<string, string>();
  for (const [key, name] of Object.entries(data.channels)) {
    if (!CHANNEL_KEY.test(key)) {
      problems.add(
        ['channels', key],
        'must be keyed discord:<guild id>/<channel id> or slack:<team id>/<channel id>',
      );
    }
    channels.set(key, known(name, ['channels', key]));
  }
  return {
    file,
    profiles,
    defaultProfile,
    directMessages: known(data.direct_messages ?? defaultProfile, ['direct_messages']),
    channels,
    httpTools,
    mcpServers,
  };
}

interface ProfileContext {
  base: Profile;
  names: { functions: ReadonlySet<string>; servers: ReadonlySet<string> };
  file: string;
  deps: ProfilesDeps;
  problems: Problems;
}

/** One profile: what it says over the environment's assistant. */
function resolveProfile(entry: ProfileEntry, path: FilePath, context: ProfileContext): Profile {
  const { base, names, problems } = context;
  const tools = entry.tools ?? [
    ...(base.codeInterpreter ? ['code_interpreter'] : []),
    ...(base.fileSearch ? ['file_search'] : []),
    ...(base.webSearch ? ['web_search'] : []),
    ...(base.imageGeneration ? ['image_generation'] : []),
    ...base.functionTools,
  ];
  const backendProblem = responsesOnlyProblem(context.deps.assistant.backend, tools);
  if (entry.tools !== undefined && backendProblem) problems.add([...path, 'tools'], backendProblem);
  tools.forEach((tool, index) => {
    const hosted: readonly string[] = HOSTED_TOOLS;
    if (!hosted.includes(tool) && !names.functions.has(tool) && !names.servers.has(tool)) {
      const all = [...HOSTED_TOOLS, ...names.functions, ...names.servers].join(', ');
      problems.add([...path, 'tools', index], `names unknown tool "${tool}"; known: ${all}`);
    }
  });
  return {
    model: entry.model ?? base.model,
    instructions: instructionsOf(entry, path, context) ?? base.instructions,
    codeInterpreter: tools.includes('code_interpreter'),
    fileSearch: tools.includes('file_search'),
    webSearch: tools.includes('web_search'),
    imageGeneration: tools.includes('image_generation'),
    functionTools: [...new Set(tools.filter((tool) => names.functions.has(tool)))],
    mcpServers: [...new Set(tools.filter((tool) => names.servers.has(tool)))],
    vectorStoreIds: entry.vector_store_ids ?? base.vectorStoreIds,
    temperature: entry.temperature,
    reasoningEffort: entry.reasoning_effort,
  };
}

function instructionsOf(entry: ProfileEntry, path: FilePath, context: ProfileContext): string | undefined {
  if (entry.instructions_file === undefined) return entry.instructions;
  const at = [...path, 'instructions_file'];
  if (entry.instructions !== undefined) {
    context.problems.add(at, 'cannot be set together with instructions; set only one of them');
    return undefined;
  }
  const target = resolve(dirname(context.file), entry.instructions_file);
  try {
    const text = context.deps.readFile(target).trim();
    if (text !== '') return text;
    context.problems.add(at, `names an empty file (${target})`);
  } catch (error) {
    context.problems.add(at, `could not be read (${error instanceof Error ? error.message : String(error)})`);
  }
  return undefined;
}
