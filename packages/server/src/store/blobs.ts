import { createReadStream, mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { AppError, newId } from '../shared/index.js';
import type { Logger } from '../telemetry/index.js';
import {
  assertReplacementWithin,
  type ByteReplacement,
  editChunk,
  editTail,
  replacementDelta,
} from './byte-edit.js';
import { tempName, writerIsGone } from './temp-owner.js';
import type { BlobStore, BlobWriter } from './types.js';

/**
 * A file not written for this long is no writer's any more: a temp file that old belongs to a
 * writer that died with its process, and a body file that old with no message row to a delivery
 * that died between moving it into place and committing its rows.
 */
export const STALE_FILE_MS = 60 * 60 * 1000;

/** Exactly what `newId()` makes: 12 hex digits of milliseconds, then 12 base64url characters. */
const BLOB_ID = /^[0-9a-f]{12}[A-Za-z0-9_-]{12}$/;

export interface BlobStoreOptions {
  /** The blob root, normally `<dataDir>/blobs`. */
  dir: string;
  log?: Logger;
  /** Remove stale temp files at open (default). A second store over the same directory skips it. */
  sweep?: boolean;
}

/** Outcome of committing one batch of finished blobs. */
export interface BlobCommitResult {
  /** Blobs now durable at their final path (including ones committed by an earlier batch). */
  committed: string[];
  /** Blobs that could not be moved into place, with the reason. */
  failed: Map<string, Error>;
}

/** The blob store plus the commit step that only the group committer calls. */
export interface LocalBlobStore extends BlobStore {
  /** A writer for a new blob; `blobId` lets a caller that started in memory keep its id when it spills. */
  createWriter(blobId?: string): BlobWriter;
  /**
   * Renames finished temp files into place, then fsyncs each distinct
   * directory once. Throws only when durability cannot be guaranteed
   * (a directory fsync failed); per-blob rename failures are reported in `failed`.
   */
  commit(blobIds: readonly string[]): Promise<BlobCommitResult>;
  /** Final path of a blob (exposed for tests and diagnostics). */
  pathOf(blobId: string): string;
  /** The directory the store was opened on. */
  readonly root: string;
  /** Every committed blob id, one day's directory at a time, in no promised order. */
  list(): AsyncIterable<string>;
  /** When a committed blob's file was last written (ms), or undefined when there is none. */
  modifiedAt(blobId: string): Promise<number | undefined>;
  /** Removes temp files not written for STALE_FILE_MS; returns how many. */
  sweepTemp(): number;
}

/** Throws unless `blobId` has the exact shape of a `newId()` id, so it can never escape the blob root. */
export function assertBlobId(blobId: string): void {
  if (typeof blobId !== 'string' || !BLOB_ID.test(blobId)) {
    throw new AppError('BAD_REQUEST', 'invalid blob id');
  }
}

/** When the blob's id was made (ms): `newId()` starts with the time. A blob's file is written after. */
export const blobIdTime = (blobId: string): number => Number.parseInt(blobId.slice(0, 12), 16);

/** `YYYY/MM/DD` (UTC) of the time encoded in the id, so the path is derived from the id alone. */
function datePath(blobId: string): string {
  const ms = blobIdTime(blobId);
  const d = new Date(Number.isFinite(ms) ? ms : Date.now());
  const pad = (n: number) => String(n).padStart(2, '0');
  return join(String(d.getUTCFullYear()), pad(d.getUTCMonth() + 1), pad(d.getUTCDate()));
}

const isErrno = (e: unknown, code: string): boolean => (e as NodeJS.ErrnoException)?.code === code;

async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (e) {
    if (!isErrno(e, 'ENOENT')) throw e;
  }
}

/** fsync on a directory makes the entries created or renamed in it durable (POSIX has no other way). */
async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Removes temp files left by writers of a process that stopped: at once when
 * the file names a process of this machine that is gone (see temp-owner.ts),
 * else once nothing has written it for STALE_FILE_MS (it may be another
 * node's, still writing).
 */
function sweepTemp(tmpDir: string, log?: Logger): number {
  const cutoff = Date.now() - STALE_FILE_MS;
  let removed = 0;
  for (const name of readdirSync(tmpDir)) {
    const path = join(tmpDir, name);
    try {
      if (writerIsGone(name) || statSync(path).mtimeMs < cutoff) {
        unlinkSync(path);
        removed += 1;
      }
    } catch (e) {
      if (!isErrno(e, 'ENOENT')) log?.warn({ err: e, file: name }, 'could not sweep stale blob temp file');
    }
  }
  return removed;
}

/** The names in `dir` that match `re`; none when it is gone (removed meanwhile). */
async function namesIn(dir: string, re: RegExp): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => re.test(n));
  } catch (e) {
    if (isErrno(e, 'ENOENT') || isErrno(e, 'ENOTDIR')) return [];
    throw e;
  }
}

/** Every blob id under `root/YYYY/MM/DD/`, a day at a time, so memory stays at one directory's names. */
async function* listCommitted(root: string): AsyncGenerator<string> {
  for (const y of await namesIn(root, /^\d{4}$/)) {
    for (const m of await namesIn(join(root, y), /^\d{2}$/)) {
      for (const d of await namesIn(join(root, y, m), /^\d{2}$/)) {
        for (const name of await namesIn(join(root, y, m, d), /\.eml$/)) {
          const blobId = name.slice(0, -'.eml'.length);
          if (BLOB_ID.test(blobId)) yield blobId;
        }
      }
    }
  }
}

/** Bytes gathered before a write: most messages then cost one write(2), large ones stream in 64 KiB steps. */
const WRITE_BUFFER = 64 * 1024;

/**
 * A writer that streams into `<tmp>/<blobId>.<writer>.tmp` (see temp-owner.ts). Small SMTP chunks are
 * gathered and written together (syscalls dominate the cost of a 10 KB
 * message); the file is opened on the first write that reaches the disk.
 */
function createWriter(tmpDir: string, blobId: string): BlobWriter {
  const path = join(tmpDir, tempName(blobId));
  let fh: FileHandle | undefined;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let size = 0;
  let done = false;
  const flush = async (): Promise<FileHandle> => {
    fh ??= await open(path, 'wx', 0o640);
    if (pendingBytes > 0) {
      const buf = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      // A regular file takes the whole buffer in one write(2) in practice; loop anyway, as POSIX allows less.
      for (let off = 0; off < buf.length; ) off += (await fh.write(buf, off)).bytesWritten;
    }
    return fh;
  };
  return {
    async write(chunk) {
      if (done) throw new Error('blob writer already finished or aborted');
      // Kept by reference until flushed: callers hand over fresh buffers (stream chunks).
      pending.push(chunk);
      pendingBytes += chunk.length;
      size += chunk.length;
      if (pendingBytes >= WRITE_BUFFER) await flush();
    },
    async finish(prefix, replace) {
      if (done) throw new Error('blob writer already finished or aborted');
      if (replace) assertReplacementWithin(replace, size);
      done = true;
      const h = await flush();
      if ((prefix && prefix.length > 0) || replace) {
        await h.close();
        fh = undefined;
        const head = prefix ?? Buffer.alloc(0);
        await rewriteWithPrefix(path, join(tmpDir, tempName(`${blobId}-p`)), head, replace, size);
        return { blobId, size: size + head.length + replacementDelta(replace) };
      }
      try {
        await h.sync();
      } finally {
        await h.close();
      }
      return { blobId, size };
    },
    async abort() {
      done = true;
      pending = [];
      await fh?.close().catch(() => undefined);
      await unlinkIfPresent(path);
    },
  };
}

/** Bytes copied per read when a body file is rewritten. */
const COPY_BUFFER = 256 * 1024;

/** Writes all of `buf` (POSIX allows a short write). */
async function writeAll(fh: FileHandle, buf: Buffer): Promise<void> {
  for (let off = 0; off < buf.length; ) off += (await fh.write(buf, off, buf.length - off)).bytesWritten;
}

/**
 * Puts `prefix` in front of the temp file at `path` (of `size` bytes), with `replace`'s byte range
 * swapped for its new bytes on the way: writes the result to `next` (a temp name of its own, so a
 * crash leaves only sweepable files), fsyncs it and renames it over `path`. One sequential copy
 * of a body that has already spilled past the inline limit; the common small body never comes
 * here (bodies.ts prepends and replaces in memory).
 */
async function rewriteWithPrefix(
  path: string,
  next: string,
  prefix: Buffer,
  replace: ByteReplacement | undefined,
  size: number,
): Promise<void> {
  const src = await open(path, 'r');
  let dst: FileHandle | undefined;
  try {
    dst = await open(next, 'wx', 0o640);
    await writeAll(dst, prefix);
    const buf = Buffer.allocUnsafe(COPY_BUFFER);
    for (let pos = 0; ; ) {
      const { bytesRead } = await src.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      for (const piece of editChunk(buf.subarray(0, bytesRead), pos, replace)) await writeAll(dst, piece);
      pos += bytesRead;
    }
    for (const piece of editTail(size, replace)) await writeAll(dst, piece);
    await dst.sync();
    await dst.close();
    dst = undefined;
    await rename(next, path);
  } catch (e) {
    await dst?.close().catch(() => undefined);
    await unlinkIfPresent(next);
    throw e;
  } finally {
    await src.close();
  }
}

/** Creates any missing parents of `dir`, fsyncing the parent of each directory it had to create. */
async function ensureDir(dir: string, synced: Set<string>): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return;
  // mkdir returns the top-most directory it created; each created one needs its parent fsynced.
  for (let d = dir; ; d = dirname(d)) {
    synced.add(dirname(d));
    if (d === first) break;
  }
}

/**
 * Opens the file blob store under `dir`: immutable message files at
 * `YYYY/MM/DD/<blobId>.eml`, written through `<dir>/tmp/`.
 */
export function createBlobStore(options: BlobStoreOptions): LocalBlobStore {
  const root = options.dir;
  const tmpDir = join(root, 'tmp');
  mkdirSync(tmpDir, { recursive: true });
  if (options.sweep !== false) sweepTemp(tmpDir, options.log);
  // Directories known to exist, so a busy day's deliveries do not mkdir every time.
  const known = new Set<string>();

  const tempPath = (blobId: string) => join(tmpDir, tempName(blobId));
  const pathOf = (blobId: string) => {
    assertBlobId(blobId);
    return join(root, datePath(blobId), `${blobId}.eml`);
  };

  async function moveIntoPlace(blobId: string, toSync: Set<string>): Promise<void> {
    const finalPath = pathOf(blobId);
    const dir = dirname(finalPath);
    if (!known.has(dir)) await ensureDir(dir, toSync);
    try {
      await rename(tempPath(blobId), finalPath);
    } catch (e) {
      // Delivered again (e.g. a second deliver() with the same blob): already durable in place.
      if (!isErrno(e, 'ENOENT') || !(await exists(finalPath))) throw e;
    }
    toSync.add(dir);
  }

  return {
    root,
    pathOf,
    createWriter: (blobId = newId()) => createWriter(tmpDir, blobId),
    read(blobId, range) {
      if (!range) return createReadStream(pathOf(blobId)) as Readable;
      if (range.end <= range.start) return Readable.from([]);
      // createReadStream's `end` is inclusive.
      return createReadStream(pathOf(blobId), { start: range.start, end: range.end - 1 }) as Readable;
    },
    list: () => listCommitted(root),
    async modifiedAt(blobId) {
      try {
        return (await stat(pathOf(blobId))).mtimeMs;
      } catch (e) {
        if (isErrno(e, 'ENOENT')) return undefined;
        throw e;
      }
    },
    sweepTemp: () => sweepTemp(tmpDir, options.log),
    async readBuffer(blobId) {
      try {
        return await readFile(pathOf(blobId));
      } catch (e) {
        if (isErrno(e, 'ENOENT')) throw new AppError('MESSAGE_NOT_FOUND', 'message body not found');
        throw e;
      }
    },
    async remove(blobId) {
      // No directory fsync: a removal undone by a crash leaves only an unreferenced file.
      await unlinkIfPresent(pathOf(blobId));
      await unlinkIfPresent(tempPath(blobId));
    },
    async commit(blobIds) {
      const committed: string[] = [];
      const failed = new Map<string, Error>();
      const toSync = new Set<string>();
      for (const blobId of new Set(blobIds)) {
        try {
          await moveIntoPlace(blobId, toSync);
          committed.push(blobId);
        } catch (e) {
          failed.set(blobId, e as Error);
        }
      }
      // Once per distinct directory per batch: this is the fsync that group commit shares.
      for (const dir of toSync) await fsyncDir(dir);
      // Only now are these directories durable; a failed fsync above makes the next batch retry them.
      for (const dir of toSync) known.add(dir);
      return { committed, failed };
    },
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
