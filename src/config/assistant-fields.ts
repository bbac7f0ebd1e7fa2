import { z } from 'zod';
import { commaList, optionalText } from './fields.js';

/** The two hosted tools `ASSISTANT_TOOLS` may name beside function tools. */
export const HOSTED_TOOLS = ['code_interpreter', 'file_search'] as const;

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
      functionTools,
    };
  });
}
