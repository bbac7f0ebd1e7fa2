import { extname } from 'node:path';
import { AttachmentError } from './errors.js';
import type { InboundFile } from './messages.js';

/** What a user file is for: data for the code interpreter, documents for file search, pictures for the model to see. */
export type AttachmentUse = 'code_interpreter' | 'file_search' | 'image';

/** What each accepted file type is for: the code interpreter reads data, file search reads documents. */
export const ATTACHMENT_USES = {
  '.png': 'image',
  '.jpg': 'image',
  '.jpeg': 'image',
  '.gif': 'image',
  '.webp': 'image',
  '.csv': 'code_interpreter',
  '.tsv': 'code_interpreter',
  '.xlsx': 'code_interpreter',
  '.xls': 'code_interpreter',
  '.json': 'code_interpreter',
  '.xml': 'code_interpreter',
  '.zip': 'code_interpreter',
  '.py': 'code_interpreter',
  '.ipynb': 'code_interpreter',
  '.parquet': 'code_interpreter',
  '.pdf': 'file_search',
  '.txt': 'file_search',
  '.md': 'file_search',
  '.html': 'file_search',
  '.docx': 'file_search',
  '.pptx': 'file_search',
} as const satisfies Record<string, AttachmentUse>;

/**
 * Checks a user's attachment before anything is uploaded, and says what it is for.
 * Throws AttachmentError with a message fit for the user (it names the file and the limit).
 */
export function classifyAttachment(file: InboundFile, maxBytes: number): AttachmentUse {
  if (file.bytes.byteLength > maxBytes) {
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    throw new AttachmentError(`${file.name} is ${mb(file.bytes.byteLength)}; the limit is ${mb(maxBytes)}.`);
  }
  if (file.bytes.byteLength === 0) throw new AttachmentError(`${file.name} is empty.`);
  const use = (ATTACHMENT_USES as Record<string, AttachmentUse>)[extname(file.name).toLowerCase()];
  if (!use) {
    throw new AttachmentError(
      `${file.name}: this file type is not supported (supported: ${Object.keys(ATTACHMENT_USES).join(' ')}).`,
    );
  }
  return use;
}
