import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import { openStore, type StoreFixture } from '../../../../test/harness/mail-store.js';
import { tempDirs } from '../../../../test/harness/tmp.js';
import { createBlobStore } from './blobs.js';
import type { ByteReplacement } from './byte-edit.js';
import { tempName } from './temp-owner.js';
import type { BlobWriter } from './types.js';

const databases = useDatabases();
const dirs = tempDirs();
afterAll(() => dirs.removeAll());

const prefix = Buffer.from('X-Spam-Score: 0.100\r\n');
const bytesOf = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => 32 + (i % 90)));

/** What finish(prefix, replace) must store, computed the plain way. */
const expected = (body: Buffer, r: ByteReplacement, p = prefix) =>
  Buffer.concat([p, body.subarray(0, r.start), r.bytes, body.subarray(r.end)]);

async function writeAll(writer: BlobWriter, body: Buffer, step: number) {
  for (let i = 0; i < body.length; i += step) await writer.write(body.subarray(i, i + step));
}

describe('a body finished with a replaced byte range (the tagged Subject field)', () => {
  // Across the file copy's 256 KiB reads and the writes' chunks; at the start, at the end, an insertion.
  const cases: [string, ByteReplacement][] = [
    ['within one chunk', { start: 10, end: 20, bytes: Buffer.from('Subject: [EXT] x\r\n') }],
    ['across chunk and copy-buffer edges', { start: 262_100, end: 262_200, bytes: Buffer.from('new') }],
    ['at the very start', { start: 0, end: 5, bytes: Buffer.from('ab') }],
    ['an insertion', { start: 1000, end: 1000, bytes: Buffer.from('Subject: [EXT]\r\n') }],
    ['an insertion at the end', { start: 700_000, end: 700_000, bytes: Buffer.from('tail') }],
    ['a removal up to the end', { start: 699_000, end: 700_000, bytes: Buffer.alloc(0) }],
  ];

  it.each(cases)('rewrites a body in a file in one copy: %s', async (_name, r) => {
    const dir = await dirs.make();
    const store = createBlobStore({ dir });
    const body = bytesOf(700_000);
    const writer = store.createWriter();
    await writeAll(writer, body, 65_536);
    const blob = await writer.finish(prefix, r);
    const want = expected(body, r);
    expect(blob.size).toBe(want.length);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([tempName(blob.blobId)]);
    await store.commit([blob.blobId]);
    expect((await store.readBuffer(blob.blobId)).equals(want)).toBe(true);
  });

  it('replaces without a prefix in a file too', async () => {
    const store = createBlobStore({ dir: await dirs.make() });
    const body = bytesOf(10_000);
    const writer = store.createWriter();
    await writeAll(writer, body, 333);
    const r = { start: 4000, end: 4100, bytes: Buffer.from('Subject: [EXT] hi\r\n') };
    const blob = await writer.finish(undefined, r);
    await store.commit([blob.blobId]);
    expect((await store.readBuffer(blob.blobId)).equals(expected(body, r, Buffer.alloc(0)))).toBe(true);
  });

  it('refuses a range outside what was written, and keeps nothing half-done', async () => {
    const store = createBlobStore({ dir: await dirs.make() });
    const writer = store.createWriter();
    await writer.write(bytesOf(100));
    await expect(writer.finish(prefix, { start: 50, end: 101, bytes: Buffer.alloc(0) })).rejects.toThrow(
      RangeError,
    );
    await writer.abort();
  });
});

describe('a replaced byte range in the body store, in memory and spilled to a file', () => {
  let f: StoreFixture;
  beforeAll(async () => {
    f = await openStore(await databases.fresh('sqlite'), { inlineBodyMaxBytes: 4096 });
  });
  afterAll(() => f.close());

  // 3000 bytes stay in memory (concatenated); 10,000 spill (rewritten in the one file copy).
  it.each([
    ['in memory', 3000],
    ['in a file', 10_000],
  ])('stores prefix + body with the range replaced, %s', async (_mode, size) => {
    const body = bytesOf(size);
    for (const r of [
      { start: 999, end: 1501, bytes: Buffer.from('Subject: [EXT] folded\r\n value\r\n') },
      { start: 0, end: 0, bytes: Buffer.from('Subject: [EXT]\r\n') },
      { start: size, end: size, bytes: Buffer.from('end') },
    ]) {
      const writer = f.store.blobs.createWriter();
      await writeAll(writer, body, 1000);
      const blob = await writer.finish(prefix, r);
      const want = expected(body, r);
      expect(blob.size).toBe(want.length);
      expect(blob.data === undefined).toBe(size > 4096);
      if (blob.data) expect(blob.data.equals(want)).toBe(true);
      else {
        await f.store.blobs.files.commit([blob.blobId]);
        expect((await buffer(f.store.blobs.read(blob.blobId))).equals(want)).toBe(true);
      }
    }
  });
});
