import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUploadStore, type UploadStore } from './uploads.js';

const log = pino({ level: 'silent' });

/** A body of `total` bytes in 64 KiB chunks, counting how many were pulled. */
function body(total: number, pulled = { bytes: 0 }): Readable {
  return Readable.from(
    (function* () {
      for (let sent = 0; sent < total; sent += 65536) {
        const n = Math.min(65536, total - sent);
        pulled.bytes += n;
        yield Buffer.alloc(n, 0x61);
      }
    })(),
  );
}

describe('upload store', () => {
  let dir: string;
  let store: UploadStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jdmail-uploads-'));
    store = createUploadStore({ dir, maxSize: 1_000_000, log });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('streams a file to disk and gives it back to its owner only', async () => {
    const info = await store.save('u1', {
      name: '季度报告.pdf',
      contentType: 'application/pdf',
      body: body(300_000),
    });
    expect(info).toMatchObject({ name: '季度报告.pdf', size: 300_000, contentType: 'application/pdf' });
    expect(info.expiresAt).toBeGreaterThan(Date.now() + 23 * 3600_000);
    const got = await store.get('u1', info.id);
    expect((await readFile(got.path)).length).toBe(300_000);
    await expect(store.get('u2', info.id)).rejects.toMatchObject({ code: 'UPLOAD_NOT_FOUND' });
    await expect(store.remove('u2', info.id)).rejects.toMatchObject({ code: 'UPLOAD_NOT_FOUND' });
    await store.remove('u1', info.id);
    await expect(store.get('u1', info.id)).rejects.toMatchObject({ code: 'UPLOAD_NOT_FOUND' });
  });

  it('refuses past the limit, drains the rest and keeps nothing', async () => {
    const pulled = { bytes: 0 };
    await expect(
      store.save('u1', {
        name: 'big.bin',
        contentType: 'application/octet-stream',
        body: body(5_000_000, pulled),
      }),
    ).rejects.toMatchObject({ code: 'MESSAGE_TOO_LARGE' });
    // The rest of the body is read and dropped (an HTTP client still sending then gets the answer).
    expect(pulled.bytes).toBe(5_000_000);
    expect(await readdir(join(dir, 'u1'))).toEqual([]);
  });

  it('refuses ids that are not ids (no path tricks)', async () => {
    await expect(store.get('u1', '../u2/x')).rejects.toMatchObject({ code: 'UPLOAD_NOT_FOUND' });
  });

  it('expires uploads: unusable after their time, removed by the sweep with stale scratch files', async () => {
    const short = createUploadStore({ dir, maxSize: 1_000_000, ttlMs: 1000, log });
    const info = await short.save('u1', { name: 'a.txt', contentType: 'text/plain', body: body(10) });
    const kept = await short.save('u1', { name: 'b.txt', contentType: 'text/plain', body: body(10) });
    // Make the first one expired and leave a stale scratch file and an unfinished upload.
    const meta = join(dir, 'u1', `${info.id}.json`);
    await writeFile(
      meta,
      JSON.stringify({ ...JSON.parse(await readFile(meta, 'utf8')), expiresAt: Date.now() - 1 }),
    );
    const scratch = await short.scratchPath();
    await writeFile(scratch, 'x');
    await writeFile(join(dir, 'u1', 'orphan.bin'), 'x');
    const old = new Date(Date.now() - 10_000);
    await utimes(scratch, old, old);
    await utimes(join(dir, 'u1', 'orphan.bin'), old, old);
    await expect(short.get('u1', info.id)).rejects.toMatchObject({ code: 'UPLOAD_NOT_FOUND' });
    expect(await short.sweep()).toBe(1);
    expect((await readdir(join(dir, 'u1'))).sort()).toEqual([`${kept.id}.bin`, `${kept.id}.json`].sort());
    expect(await readdir(join(dir, '.scratch'))).toEqual([]);
  });
});
