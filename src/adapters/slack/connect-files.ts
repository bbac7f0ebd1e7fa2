import type { SlackFile } from './parse.js';
import { type SlackApi, slackErrorOf } from './slack-api.js';

/**
 * Files shared from another organisation in a Slack Connect channel. For them the Events API sends
 * only a stub: `{"id":"F…","mode":"file_access","file_access":"check_file_info","created":0,
 * "timestamp":0,"user":""}`, without name, type, size or `url_private`; the app must ask `files.info`
 * (scope `files:read`) for the rest. Read as it is, a stub has no name and no type, and would be
 * refused as "this file type is not supported" while the question is answered without it.
 */

/** A stub Slack sends in place of a Slack Connect file: `files.info` has the file. */
export function isConnectStub(file: SlackFile): boolean {
  return file.file_access === 'check_file_info' || file.mode === 'file_access';
}

/** A message's files with every stub replaced by what `files.info` says, and why any stayed out. */
export interface CompletedFiles {
  files: SlackFile[];
  /** One line per stub that could not be completed, for the user. */
  refused: string[];
}

/**
 * Completes a message's Slack Connect stubs through `files.info`; other files pass as they are. A stub
 * `files.info` will not describe (the other organisation withholds it: `access_denied`, a missing
 * `files:read` scope...) becomes a line saying so, never an error: the question goes on without it.
 */
export async function completeConnectFiles(
  files: readonly SlackFile[],
  api: Pick<SlackApi, 'call'>,
): Promise<CompletedFiles> {
  const completed: CompletedFiles = { files: [], refused: [] };
  for (const file of files) {
    if (!isConnectStub(file)) {
      completed.files.push(file);
      continue;
    }
    try {
      const info = (await api.call('files.info', { file: file.id })).file as SlackFile | undefined;
      if (info === undefined || isConnectStub(info)) throw new Error('files.info answered a stub');
      completed.files.push(info);
    } catch (error) {
      const why = slackErrorOf(error) ?? 'no details';
      completed.refused.push(
        `a file shared from another organisation could not be read: Slack did not let me see it (${why}).`,
      );
    }
  }
  return completed;
}
