import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { AppError, newId } from '../shared/index.js';
import { assertBlobId, type LocalBlobStore } from './blobs.js';
import { assertReplacementWithin, editChunk, editTail, replacementDelta } from './byte-edit.js';
import type { Database } from './db.js';
import type { BlobStore, BlobWriter, ByteRange, FinishedBlob } from './types.js';

/**
 * Bodies up to this many bytes are stored in the database by default. Most
 * mail is far smaller (text, HTML, a signature image); attachments push the
 * rest past it into files. SQLite reads and writes blobs of this size faster
 * than the file system does (sqlite.org/intern-v-extern-blob.html), and the
 * body then commits with its index rows: one log flush for a whole batch
 * instead of an fsync per message file.
 */
export const DEFAULT_INLINE_BODY_MAX_BYTES = 128 * 1024;

export interface BodyStoreOptions {
  database: Database;
  files: LocalBlobStore;
  /** Largest body kept in the database; 0 sends every body to a file. */
  inlineMaxBytes: number;
  /** Told once a body's rows are deleted (the search index drops its document); must not throw. */
  onRemoved?: (blobId: string) => void;
}

/** Bodies in the database (small) or in files (large), behind one blob id. */
export interface BodyStore extends BlobStore {
  readonly files: LocalBlobStore;
  /** Whether a body is stored, in either place (tests, diagnostics). */
  has(blobId: string): Promise<boolean>;
}

/**
 * A writer that keeps the body in memory until it passes `inlineMaxBytes`,
 * then hands everything to a file writer under the same blob id. So a
 * message is never held whole in memory beyond the limit, and a small one
 * costs no file system call at all.
 */
function createSpillingWriter(files: LocalBlobStore, inlineMaxBytes: number): BlobWriter {
  const blobId = newId();
  let chunks: Buffer[] = [];
  let size = 0;
  let file: BlobWriter | undefined;
  return {
    async write(chunk) {
      size += chunk.length;
      if (file) return file.write(chunk);
      chunks.push(chunk);
      if (size <= inlineMaxBytes) return;
      file = files.createWriter(blobId);
      const held = chunks;
      chunks = [];
      for (const c of held) await file.write(c);
    },
    async finish(prefix, replace): Promise<FinishedBlob> {
      if (file) return file.finish(prefix, replace);
      if (replace) assertReplacementWithin(replace, size);
      // Gathered into memory of its own (never a slice of Node's shared pool, nor the caller's
      // chunks), which the committer's thread can then take over without a copy. A replaced
      // range is concatenated around in the same copy.
      const total = size + (prefix?.length ?? 0) + replacementDelta(replace);
      const data = Buffer.allocUnsafeSlow(total);
      let at = prefix ? prefix.copy(data, 0) : 0;
      let pos = 0;
      for (const c of chunks) {
        for (const piece of editChunk(c, pos, replace)) at += piece.copy(data, at);
        pos += c.length;
      }
      for (const piece of editTail(size, replace)) at += piece.copy(data, at);
      chunks = [];
      return { blobId, size: total, data, ownsMemory: true };
    },
    async abort() {
      chunks = [];
      await file?.abort();
    },
  };
}

/** Builds the body store over the `message_bodies` table and the file blob store. */
export function createBodyStore(options: BodyStoreOptions): BodyStore {
  const { files } = options;
  const { db } = options.database;

  async function inline(blobId: string): Promise<Buffer | undefined> {
    assertBlobId(blobId);
    const row = await db
      .selectFrom('message_bodies')
      .select('data')
      .where('blob_id', '=', blobId)
      .executeTakeFirst();
    return row ? Buffer.from(row.data) : undefined;
  }

  async function* chunks(blobId: string, range?: ByteRange): AsyncGenerator<Buffer> {
    const data = await inline(blobId);
    if (data) {
      if (!range) yield data;
      else if (range.end > range.start) yield data.subarray(range.start, range.end);
      return;
    }
    try {
      for await (const chunk of files.read(blobId, range)) yield chunk as Buffer;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT')
        throw new AppError('MESSAGE_NOT_FOUND', 'message body not found');
      throw e;
    }
  }

  return {
    files,
    createWriter: () => createSpillingWriter(files, options.inlineMaxBytes),
    read: (blobId, range) => Readable.from(chunks(blobId, range), { objectMode: false }),
    async readBuffer(blobId) {
      return (await inline(blobId)) ?? files.readBuffer(blobId);
    },
    async has(blobId) {
      if (await inline(blobId)) return true;
      return stat(files.pathOf(blobId)).then(
        () => true,
        () => false,
      );
    },
    async remove(blobId) {
      assertBlobId(blobId);
      await db.deleteFrom('message_bodies').where('blob_id', '=', blobId).execute();
      await db.deleteFrom('message_auth_results').where('blob_id', '=', blobId).execute();
      await db.deleteFrom('message_filter_results').where('blob_id', '=', blobId).execute();
      options.onRemoved?.(blobId);
      await files.remove(blobId);
    },
  };
}
