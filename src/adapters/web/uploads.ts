import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ConversationKey } from '../../core/conversation.js';
import { AttachmentError } from '../../core/errors.js';
import { checkBeforeDownload, readCapped, type SharedFile } from '../kit/downloads.js';
import { HttpError } from './http-kit.js';

/** An upload is forgotten if no message takes it within this long. */
export const UPLOAD_TTL_MS = 30 * 60 * 1000;
/** Uploads one conversation may hold before they are sent. */
export const MAX_PENDING_UPLOADS = 10;

/** What the page says about a file before sending its bytes. */
export interface UploadClaim {
  name: string;
  type: string;
  size: number;
}

interface Pending {
  key: ConversationKey;
  claim: UploadClaim;
  expiresAt: number;
  bytes?: Uint8Array;
  /** Why it is refused, in words for the user ("big.csv is 2.0 MB; the limit is 1.0 MB."). */
  refused?: string;
}

/**
 * Files a user attaches in the page, between the upload and the message that sends them. The page
 * first says what the file is (name, type, size): a type the assistant cannot use, or a size over
 * MAX_ATTACHMENT_MB, is refused before any byte is sent; the bytes then come in one request, read
 * capped at the limit whatever size was claimed. The message takes its uploads (refused ones become
 * the kit's "Attachment skipped" notes). Kept in this process's memory for a short while.
 */
export class WebUploads {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly maxBytes: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Registers a file; resolves with its id and, when it is refused, why. */
  claim(key: ConversationKey, claim: UploadClaim): { id: string; refused?: string } {
    this.sweep();
    const count = [...this.pending.values()].filter((p) => p.key === key).length;
    if (count >= MAX_PENDING_UPLOADS)
      throw new HttpError(429, `at most ${MAX_PENDING_UPLOADS} files can wait to be sent`);
    const id = randomUUID();
    let refused: string | undefined;
    try {
      checkBeforeDownload({ name: claim.name, mimeType: claim.type, size: claim.size }, this.maxBytes);
    } catch (error) {
      if (!(error instanceof AttachmentError)) throw error;
      refused = error.message;
    }
    this.pending.set(id, {
      key,
      claim,
      expiresAt: this.now() + UPLOAD_TTL_MS,
      ...(refused === undefined ? {} : { refused }),
    });
    return { id, ...(refused === undefined ? {} : { refused }) };
  }

  /** Reads an upload's bytes, capped at the limit; resolves with the refusal, if it was refused. */
  async receive(key: ConversationKey, id: string, req: IncomingMessage): Promise<string | undefined> {
    const upload = this.pending.get(id);
    if (upload === undefined || upload.key !== key) throw new HttpError(404, 'no such upload (expired?)');
    if (upload.refused !== undefined || upload.bytes !== undefined)
      throw new HttpError(409, 'this upload takes no bytes');
    const { name } = upload.claim;
    try {
      if (Number(req.headers['content-length'] ?? 0) > this.maxBytes) {
        checkBeforeDownload(
          { name, mimeType: upload.claim.type, size: Number(req.headers['content-length']) },
          this.maxBytes,
        );
      }
      upload.bytes = await readCapped(bodyOf(req, this.maxBytes), name, this.maxBytes);
    } catch (error) {
      if (!(error instanceof AttachmentError)) throw error;
      upload.refused = error.message;
    }
    return upload.refused;
  }

  /** Takes the uploads a message sends, as the kit's shared files (in the order given). */
  take(key: ConversationKey, ids: readonly string[]): SharedFile[] {
    const files = ids.map((id) => {
      const upload = this.pending.get(id);
      if (upload === undefined || upload.key !== key)
        throw new HttpError(400, `no such upload: ${id} (expired?)`);
      return upload;
    });
    for (const id of ids) this.pending.delete(id);
    return files.map(({ claim, bytes, refused }) => ({
      name: claim.name,
      mimeType: claim.type || undefined,
      url: undefined,
      size: bytes?.byteLength ?? claim.size,
      ...(bytes === undefined ? { unreadable: refused ?? `${claim.name} was not uploaded.` } : { bytes }),
    }));
  }

  /** Forgets uploads no message took in time. */
  private sweep(): void {
    const now = this.now();
    for (const [id, upload] of this.pending) if (upload.expiresAt < now) this.pending.delete(id);
  }
}

/**
 * A request body as a stream the kit reads capped. Cancelled (the body passed the limit), the rest
 * is read and dropped, so the page gets the refusal rather than a reset connection; a body that goes
 * on far past the limit is cut off.
 */
function bodyOf(req: IncomingMessage, maxBytes: number): ReadableStream<Uint8Array> {
  let reading = true;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on('data', (chunk: Buffer) => controller.enqueue(new Uint8Array(chunk)));
      req.once('end', () => reading && controller.close());
      req.once('error', (error) => reading && controller.error(error));
    },
    cancel() {
      reading = false;
      req.removeAllListeners('data');
      let dropped = 0;
      req.on('data', (chunk: Buffer) => {
        dropped += chunk.length;
        if (dropped > 8 * maxBytes) req.destroy();
      });
      req.resume();
    },
  });
}
