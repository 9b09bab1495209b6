import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import { AppError, newId } from '../shared/index.js';

/** A file a user uploaded to attach to a message they compose (send or draft). */
export interface UploadInfo {
  id: string;
  name: string;
  size: number;
  contentType: string;
  /** Epoch ms after which the upload is deleted. */
  expiresAt: number;
}

/** An upload and the file that holds its bytes. */
export interface StoredUpload extends UploadInfo {
  path: string;
}

export interface UploadStore {
  /** The largest upload in bytes (the server's message size limit). */
  readonly maxSize: number;
  /**
   * Streams `body` to a file of the user's (never held in memory): MESSAGE_TOO_LARGE once it passes
   * `maxSize`, and then nothing is kept.
   */
  save(userId: string, file: { name: string; contentType: string; body: Readable }): Promise<UploadInfo>;
  /** The user's upload; UPLOAD_NOT_FOUND for another user's, an expired or an unknown id. */
  get(userId: string, id: string): Promise<StoredUpload>;
  remove(userId: string, id: string): Promise<void>;
  /** A scratch file path for composing (attachments copied out of stored messages); the caller removes it. */
  scratchPath(): Promise<string>;
  /** Deletes expired uploads and stale scratch files; returns how many uploads went. */
  sweep(now?: number): Promise<number>;
  /** Sweeps now and then every `sweepIntervalMs`. */
  start(): void;
  stop(): void;
}

export interface UploadStoreOptions {
  /** A directory of the data directory's, e.g. `<dataDir>/uploads`. */
  dir: string;
  /** Largest upload in bytes: the server's message size limit (`smtp.maxMessageSize`). */
  maxSize: number;
  /** How long an upload is kept (default 24 hours). */
  ttlMs?: number;
  sweepIntervalMs?: number;
  log: Logger;
}

const DAY = 24 * 60 * 60 * 1000;
const ID = /^[0-9A-Za-z_-]{1,64}$/;

/** Counts bytes as they pass and fails the stream once there are more than `max`. */
function byteLimit(max: number, counted: { bytes: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      counted.bytes += chunk.length;
      if (counted.bytes > max)
        return done(
          new AppError('MESSAGE_TOO_LARGE', `The file is larger than the server's limit of ${max} bytes`),
        );
      done(null, chunk);
    },
  });
}

/**
 * Uploads as files under the data directory, one folder per user: `<id>.bin` holds the bytes and
 * `<id>.json` the name, type and expiry. Files rather than rows: they live a day, belong to one
 * node's disk like the spool, and need no migration.
 */
export function createUploadStore(options: UploadStoreOptions): UploadStore {
  const ttl = options.ttlMs ?? DAY;
  const scratchDir = join(options.dir, '.scratch');
  const userDir = (userId: string) => join(options.dir, userId.replace(/[^0-9A-Za-z_-]/g, '_'));
  let timer: NodeJS.Timeout | undefined;

  async function readInfo(userId: string, id: string): Promise<StoredUpload | null> {
    if (!ID.test(id)) return null;
    try {
      const meta = JSON.parse(await readFile(join(userDir(userId), `${id}.json`), 'utf8')) as UploadInfo;
      return { ...meta, path: join(userDir(userId), `${id}.bin`) };
    } catch {
      return null;
    }
  }

  async function removeFiles(dir: string, id: string): Promise<void> {
    await rm(join(dir, `${id}.json`), { force: true });
    await rm(join(dir, `${id}.bin`), { force: true });
  }

  const store: UploadStore = {
    maxSize: options.maxSize,
    async save(userId, file) {
      const dir = userDir(userId);
      await mkdir(dir, { recursive: true, mode: 0o750 });
      const id = newId();
      const bin = join(dir, `${id}.bin`);
      const counted = { bytes: 0 };
      const limiter = byteLimit(options.maxSize, counted);
      // The body is piped by hand: a pipeline would destroy it (the request, and so its socket) on
      // an error, and the client would see a reset instead of the answer.
      file.body.pipe(limiter);
      try {
        await pipeline(limiter, createWriteStream(bin, { mode: 0o640 }));
      } catch (err) {
        file.body.unpipe(limiter);
        // What the client still sends is read and dropped, so that it gets the 413.
        file.body.resume();
        await rm(bin, { force: true });
        throw err;
      }
      const info: UploadInfo = {
        id,
        name: file.name,
        size: counted.bytes,
        contentType: file.contentType,
        expiresAt: Date.now() + ttl,
      };
      // The metadata appears last: an upload with no `.json` is unfinished and swept as stale.
      await writeFile(join(dir, `${id}.json.tmp`), JSON.stringify(info), { mode: 0o640 });
      await rename(join(dir, `${id}.json.tmp`), join(dir, `${id}.json`));
      return info;
    },

    async get(userId, id) {
      const info = await readInfo(userId, id);
      if (!info || info.expiresAt <= Date.now())
        throw new AppError('UPLOAD_NOT_FOUND', `upload ${id} does not exist or has expired`);
      return info;
    },

    async remove(userId, id) {
      await store.get(userId, id);
      await removeFiles(userDir(userId), id);
    },

    async scratchPath() {
      await mkdir(scratchDir, { recursive: true, mode: 0o750 });
      return join(scratchDir, `${newId()}.tmp`);
    },

    async sweep(now = Date.now()) {
      let removed = 0;
      const entries = await readdir(options.dir, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        if (!entry.isDirectory()) continue;
        const dir = join(options.dir, entry.name);
        for (const name of await readdir(dir).catch(() => [] as string[])) {
          const file = join(dir, name);
          const id = name.replace(/\.(bin|json|json\.tmp|tmp)$/, '');
          if (entry.name === '.scratch' || !name.endsWith('.json')) {
            // Scratch files and bytes without metadata are an interrupted upload or compose.
            const orphan =
              entry.name === '.scratch' || !(await stat(join(dir, `${id}.json`)).catch(() => null));
            const age = now - ((await stat(file).catch(() => null))?.mtimeMs ?? now);
            if (orphan && age > ttl) await rm(file, { force: true });
            continue;
          }
          const info = await readFile(file, 'utf8')
            .then((s) => JSON.parse(s) as UploadInfo)
            .catch(() => null);
          if (info && info.expiresAt > now) continue;
          await removeFiles(dir, id);
          removed++;
        }
      }
      return removed;
    },

    start() {
      const sweep = () =>
        store.sweep().then(
          (n) => n > 0 && options.log.info({ removed: n }, 'expired uploads removed'),
          (err) => options.log.warn({ err }, 'upload sweep failed'),
        );
      void sweep();
      timer = setInterval(sweep, options.sweepIntervalMs ?? 60 * 60 * 1000);
      timer.unref();
    },

    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
  return store;
}
