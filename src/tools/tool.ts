import type { z } from 'zod';
import type { ConversationKey } from '../core/conversation.js';
import type { FunctionDefinition } from '../core/tool-definition.js';

export type { FunctionDefinition };

/** What a function tool may know about the call it serves. */
export interface ToolContext {
  signal: AbortSignal;
  key: ConversationKey;
  userId: string;
}

/**
 * A function tool the model can call: one file each. `parameters` is both the schema sent to the
 * model (as JSON schema) and the validator for the arguments it sends back.
 */
export interface FunctionTool<Params extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  parameters: Params;
  /** Calls need a person's approval before they run (declared HTTP tools); the approval flow reads it. */
  requireApproval?: boolean;
  execute(args: z.output<Params>, context: ToolContext): Promise<unknown> | unknown;
}

/** What a call produced, as the text given back to the model. Failures are outputs too. */
export interface ToolResult {
  output: string;
  isError: boolean;
}

/** Defines a tool with its parameter type inferred. */
export function defineTool<Params extends z.ZodType>(tool: FunctionTool<Params>): FunctionTool<Params> {
  return tool;
}
