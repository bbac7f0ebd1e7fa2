import type { FunctionTool, ToolContext, ToolResult } from './tool.js';

/**
 * Races the tool against its deadline and the caller's signal. On either, the tool's own signal is
 * aborted so that it can stop its work; whatever it settles with later is ignored.
 */
export async function runTool(
  tool: FunctionTool,
  args: unknown,
  { timeoutMs, ...context }: ToolContext & { timeoutMs: number },
): Promise<ToolResult> {
  if (context.signal.aborted) return failure(`${tool.name} was cancelled`);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${timeoutMs} ms`));
  }, timeoutMs);
  const forward = () => controller.abort(context.signal.reason);
  context.signal.addEventListener('abort', forward, { once: true });
  const stopped = new Promise<ToolResult>((resolve) => {
    controller.signal.addEventListener('abort', () =>
      resolve(
        failure(timedOut ? `${tool.name} timed out after ${timeoutMs} ms` : `${tool.name} was cancelled`),
      ),
    );
  });
  const run = (async () => tool.execute(args, { ...context, signal: controller.signal }))().then(
    (value): ToolResult => {
      try {
        return { output: toText(value), isError: false };
      } catch (error) {
        return failure(`${tool.name} returned a value that is not JSON (${messageOf(error)})`);
      }
    },
    (error: unknown) => failure(`${tool.name} failed: ${messageOf(error)}`),
  );
  try {
    return await Promise.race([run, stopped]);
  } finally {
    clearTimeout(timer);
    context.signal.removeEventListener('abort', forward);
  }
}

/** An error output for the model. */
export function failure(message: string): ToolResult {
  return { output: `Error: ${message}`, isError: true };
}

/** The message of anything thrown; tools may throw non-errors. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function toText(value: unknown): string {
  // JSON.stringify gives undefined for undefined and functions: both are "no result".
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null');
}
