import { WebAdapter } from '../../src/adapters/web/web-adapter.js';
import type { ToolDisplay } from '../../src/config/types.js';
import { silentLogger } from '../../src/core/logger.js';
import type { FunctionTool } from '../../src/tools/index.js';
import { Harness } from '../contract/harness.js';

/** People of the web bots under test, each with their token. */
export const PEOPLE = {
  alice: 'alice-token-0123456789abcdef',
  bob: 'bob-token-0123456789abcdef00',
} as const;

/** The whole bot (fake model, store, orchestrator) with the web chat on a loopback port of its own. */
export interface WebBot {
  core: Harness;
  adapter: WebAdapter;
  /** The page's URL: `http://127.0.0.1:<port>/chat/`. */
  url: string;
  close(): Promise<void>;
}

export async function startWebBot(
  options: { tools?: readonly FunctionTool[]; toolDisplay?: ToolDisplay; maxAttachmentBytes?: number } = {},
): Promise<WebBot> {
  const core = await Harness.start('responses', {
    ...(options.tools && { tools: options.tools }),
    approvalTimeoutMs: 60_000,
  });
  const tokens = new Map(Object.entries(PEOPLE).map(([user, token]) => [token, user]));
  const adapter = new WebAdapter(
    { basePath: '/chat', auth: { mode: 'token', tokens } },
    {
      deps: { orchestrator: core.port, store: core.store, logger: silentLogger() },
      toolDisplay: options.toolDisplay ?? 'full',
      maxAttachmentBytes: options.maxAttachmentBytes ?? 1024 * 1024,
    },
  );
  await adapter.start();
  return {
    core,
    adapter,
    url: adapter.url ?? '',
    async close() {
      await adapter.stop();
      await core.close();
    },
  };
}
