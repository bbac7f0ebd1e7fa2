import { z } from 'zod';
import { commaList, optionalText } from './fields.js';

/** The hosted tools `ASSISTANT_TOOLS` and profiles may name beside function tools. */
export const HOSTED_TOOLS = ['code_interpreter', 'file_search', 'web_search', 'image_generation'] as const;

/** Hosted tools only the Responses API has: the assistants backend cannot use them. */
export const RESPONSES_ONLY_TOOLS = ['web_search', 'image_generation'] as const;

/** The problem with naming Responses-only tools on the assistants backend, or undefined. */
export function responsesOnlyProblem(backend: string, tools: readonly string[]): string | undefined {
  const named = RESPONSES_ONLY_TOOLS.filter((tool) => tools.includes(tool));
  if (backend !== 'assistants' || named.length === 0) return undefined;
  return `names ${named.join(' and ')}, which only the responses backend has (ASSISTANT_BACKEND=assistants)`;
}

/** Reads the instructions file through the injected reader; its text replaces the default instructions. */
export function instructionsFile(readFile: (path: string) => string) {
  return optionalText().transform((path, ctx) => {
    if (path === undefined) return undefined;
    let text: string;
    try {
      text = readFile(path).trim();
    } catch (error) {
      ctx.addIssue(`could not be read (${error instanceof Error ? error.message : String(error)})`);
      return z.NEVER;
    }
    if (text !== '') return text;
    ctx.addIssue(`names an empty file (${path}); write the instructions into it or unset the variable`);
    return z.NEVER;
  });
}

/** The tool choice: hosted tools as booleans, the rest as function tool names. */
export interface ToolChoice {
  codeInterpreter: boolean;
  fileSearch: boolean;
  webSearch: boolean;
  imageGeneration: boolean;
  functionTools: readonly string[];
}

/**
 * A tool list: the hosted tools become booleans, every other name must be one of `knownTools`.
 * `none` is the one way to ask for no tools at all, since an empty value means "the default".
 */
export function toolList(knownTools: readonly string[], fallback: readonly string[]) {
  return commaList().transform((names, ctx): ToolChoice => {
    const chosen = names.length === 0 ? fallback : names;
    const enabled = chosen.length === 1 && chosen[0] === 'none' ? [] : chosen;
    const hosted: readonly string[] = HOSTED_TOOLS;
    const functionTools = enabled.filter((name) => !hosted.includes(name));
    const unknown = functionTools.filter((name) => !knownTools.includes(name));
    if (unknown.length > 0) {
      const known = [...HOSTED_TOOLS, ...knownTools].join(', ');
      ctx.addIssue(`names unknown tools: ${unknown.join(', ')}; known tools are ${known} (or "none")`);
      return z.NEVER;
    }
    return {
      codeInterpreter: enabled.includes('code_interpreter'),
      fileSearch: enabled.includes('file_search'),
      webSearch: enabled.includes('web_search'),
      imageGeneration: enabled.includes('image_generation'),
      functionTools,
    };
  });
}
