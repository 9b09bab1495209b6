import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../shared/index.js';
import type { MailStore } from '../store/index.js';
import { findAttachment } from './attachment.js';
import type { ComposeAttachment } from './compose.js';
import type { SendAttachmentInput } from './types.js';
import type { UploadStore } from './uploads.js';

/** The attachments of a send or draft as files and base64, and how to remove the scratch copies. */
export interface ResolvedAttachments {
  attachments: ComposeAttachment[];
  /** Removes the scratch files made for parts of stored messages; uploads stay until they expire. */
  cleanup(): Promise<void>;
}

export interface AttachmentSources {
  store: MailStore;
  uploads?: UploadStore;
}

/** A file name for a forwarded message: its subject, made safe, with `.eml`. */
function emlName(subject: string): string {
  const base = subject
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, ' ')
    .trim()
    .slice(0, 120);
  return `${base || 'message'}.eml`;
}

/** Writes a stream to a scratch file and returns its path (the stream is never held in memory). */
async function toScratch(sources: AttachmentSources, stream: Readable, made: string[]): Promise<string> {
  if (!sources.uploads)
    throw new AppError('UNAVAILABLE', 'Attachments from stored messages are not available');
  const path = await sources.uploads.scratchPath();
  made.push(path);
  await pipeline(stream, createWriteStream(path, { mode: 0o640 }));
  return path;
}

/** One attachment of the request as the composer takes it. */
async function resolveOne(
  sources: AttachmentSources,
  userId: string,
  a: SendAttachmentInput,
  made: string[],
): Promise<ComposeAttachment> {
  if ('content' in a) return a;
  if ('uploadId' in a) {
    if (!sources.uploads) throw new AppError('UNAVAILABLE', 'Uploads are not available on this server');
    const upload = await sources.uploads.get(userId, a.uploadId);
    return {
      filename: a.filename ?? upload.name,
      contentType: upload.contentType,
      contentId: a.contentId,
      path: upload.path,
    };
  }
  // A stored message of the sender's own: another user's id is MESSAGE_NOT_FOUND, as if absent.
  const message = await sources.store.getMessage(userId, a.fromMessage);
  if (a.attachmentId === undefined) {
    const path = await toScratch(sources, sources.store.blobs.read(message.blobId), made);
    return { filename: a.filename ?? emlName(message.subject), contentType: 'message/rfc822', path };
  }
  const part = await findAttachment(sources.store.blobs.read(message.blobId), a.attachmentId);
  if (!part)
    throw new AppError(
      'ATTACHMENT_NOT_FOUND',
      `message ${a.fromMessage} has no attachment ${a.attachmentId}`,
    );
  const path = await toScratch(sources, part.content, made);
  return {
    filename: a.filename ?? part.filename ?? 'attachment',
    contentType: part.contentType,
    contentId: a.contentId,
    path,
  };
}

/**
 * Resolves a send's attachments: base64 ones as they are, uploads by their file, parts of stored
 * messages (and whole messages, as `message/rfc822`) copied to scratch files first, so that the
 * composer can read each as often as it composes (the Sent copy with `Bcc:` is a second pass).
 */
export async function resolveAttachments(
  sources: AttachmentSources,
  userId: string,
  list: SendAttachmentInput[] | undefined,
): Promise<ResolvedAttachments> {
  const made: string[] = [];
  const cleanup = async () => {
    await Promise.all(made.map((p) => rm(p, { force: true })));
  };
  try {
    const attachments: ComposeAttachment[] = [];
    for (const [i, a] of (list ?? []).entries()) {
      if ('content' in a && a.content.length % 4 !== 0)
        throw new AppError(
          'VALIDATION_FAILED',
          `attachments[${i}].content: base64 must be padded to a multiple of 4`,
          { field: `attachments[${i}].content` },
        );
      attachments.push(await resolveOne(sources, userId, a, made));
    }
    return { attachments, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
