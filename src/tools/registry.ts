import { type core, z } from 'zod';
import { failure, messageOf, runTool } from './run-tool.js';
import type { FunctionDefinition, FunctionTool, ToolContext, ToolResult } from './tool.js';

/** Outputs past this many characters are cut, so that one chatty tool cannot flood the model's context. */
export const DEFAULT_MAX_OUTPUT_CHARS = 16_384 as const satisfies number;

/** A call as the model made it: a function name and its raw JSON arguments. */
export interface ToolCallRequest {
  name: string;
  arguments: string;
}

/** A tool's context plus how long the call may take. */
export type ToolExecutionContext = ToolContext & { timeoutMs: number };

/** The enabled function tools, as the orchestrator uses them. */
export interface ToolRegistry {
  /** The enabled tools as declared to the model service. */
  definitions(): FunctionDefinition[];
  has(name: string): boolean;
  /** Whether calls of this enabled tool need a person's approval first; false for unknown names. */
  requiresApproval(name: string): boolean;
  /** Runs one call. Never rejects: every failure is an error output for the model. */
  execute(call: ToolCallRequest, context: ToolExecutionContext): Promise<ToolResult>;
}

export interface ToolRegistryOptions {
  maxOutputChars?: number;
}

/**
 * A registry of the `enabled` tools among `tools`.
 * @throws Error when an enabled name has no tool, or a tool's parameters are not a zod object: both are
 *   programming errors, since configuration already checked the names.
 */
export function createToolRegistry(
  tools: readonly FunctionTool[],
  enabled: readonly string[],
  options: ToolRegistryOptions = {},
): ToolRegistry {
  const maxChars = options.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS;
  const byName = new Map<string, FunctionTool>();
  for (const name of enabled) {
    const tool = tools.find((candidate) => candidate.name === name);
    if (tool === undefined) {
      throw new Error(
        `tool "${name}" is enabled but not defined; defined: ${tools.map((t) => t.name).join(', ')}`,
      );
    }
    byName.set(name, tool);
  }
  const definitions = [...byName.values()].map(toDefinition);

  async function attempt(call: ToolCallRequest, context: ToolExecutionContext): Promise<ToolResult> {
    const tool = byName.get(call.name);
    if (tool === undefined) {
      const available = [...byName.keys()].join(', ') || 'none';
      return failure(`unknown function "${call.name}"; available functions: ${available}`);
    }
    let args: unknown;
    try {
      // Models send an empty string for a call without arguments.
      args = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
    } catch (error) {
      return failure(`the arguments of ${call.name} are not valid JSON (${messageOf(error)})`);
    }
    const parsed = await tool.parameters.safeParseAsync(args);
    if (!parsed.success) {
      return failure(`invalid arguments for ${call.name}:\n${formatIssues(parsed.error.issues)}`);
    }
    return runTool(tool, parsed.data, context);
  }

  return {
    definitions: () => [...definitions],
    has: (name) => byName.has(name),
    requiresApproval: (name) => byName.get(name)?.requireApproval === true,
    async execute(call, context) {
      let result: ToolResult;
      try {
        result = await attempt(call, context);
      } catch (error) {
        // Only a schema's own refinement can get here; the promise still must not reject.
        result = failure(`${call.name} failed: ${messageOf(error)}`);
      }
      return { output: cap(result.output, maxChars), isError: result.isError };
    },
  };
}

/** The JSON schema OpenAI expects for function parameters: a closed object. */
function toDefinition(tool: FunctionTool): FunctionDefinition {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(tool.parameters, { io: 'input' }) as Record<
    string,
    unknown
  >;
  if (schema.type !== 'object') throw new Error(`tool "${tool.name}": parameters must be a zod object`);
  return {
    name: tool.name,
    description: tool.description,
    parameters: {
      ...schema,
      properties: schema.properties ?? {},
      required: schema.required ?? [],
      additionalProperties: false,
    },
  };
}

function cap(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const note = `\n[truncated: the output had ${text.length} characters]`;
  let end = Math.max(0, maxChars - note.length);
  // Never leave half of a surrogate pair behind.
  if (end > 0 && /[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end -= 1;
  return text.slice(0, end) + note;
}

function formatIssues(issues: readonly core.$ZodIssue[]): string {
  return issues
    .map((issue) => `- ${issue.path.map(String).join('.') || '(arguments)'}: ${issue.message}`)
    .join('\n');
}
