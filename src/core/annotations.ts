/*
 * What the model service says about spans of answer text: shared by the backends, which read it, and
 * render/, which turns it into footnotes and file names.
 */

/** Where a file the model produced lives at the model service. */
export interface FileRef {
  fileId: string;
  /** Responses API: code-interpreter files live in a container, not in /files. */
  containerId?: string;
  name?: string;
  /**
   * The bytes themselves, when the service sent them inline (a generated image is a base64
   * `image_generation_call.result`): nothing to download.
   */
  inline?: { bytes: Uint8Array; mimeType: string };
}

/**
 * A span of answer text the model service annotated. A `citation` is replaced by a `[n]` footnote
 * marker; a generated `file` is replaced by its name and delivered to the user.
 */
export interface Annotation {
  /** The exact text in the answer that the annotation covers (e.g. `【4:0†source】`); may be empty. */
  text: string;
  citation?: { label: string; url?: string; quote?: string };
  file?: FileRef;
}
