import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, useDatabases } from '../../../../test/harness/databases.js';
import { addUser, openStore, type StoreFixture, sampleIndex } from '../../../../test/harness/mail-store.js';
import { newId } from '../shared/index.js';
import { tempName } from './temp-owner.js';

const databases = useDatabases();
const LIMIT = 4096;

/** Writes `bytes` in 1000-byte chunks, as SMTP hands them over. */
async function write(f: StoreFixture, bytes: Buffer) {
  const writer = f.store.blobs.createWriter();
  for (let i = 0; i < bytes.length; i += 1000) await writer.write(bytes.subarray(i, i + 1000));
  return writer.finish();
}

const bytesOf = (n: number, seed: number) =>
  Buffer.from(Array.from({ length: n }, (_, i) => (i * seed) % 256));

describe.each(databases.engines)('message bodies on %s', (engine) => {
  let t: TestDatabase;
  let f: StoreFixture;
  beforeAll(async () => {
    t = await databases.fresh(engine);
    f = await openStore(t, { inlineBodyMaxBytes: LIMIT });
  });
  afterAll(() => f.close());

  const tmpFiles = () => readdirSync(join(t.dataDir, 'blobs', 'tmp'));
  const bodyRows = async (blobId: string) =>
    (
      await f.database.db
        .selectFrom('message_bodies')
        .select('blob_id')
        .where('blob_id', '=', blobId)
        .execute()
    ).length;

  it('keeps a body up to the limit in memory and commits it with the rows, byte for byte', async () => {
    const user = await addUser(f);
    const content = bytesOf(LIMIT, 7);
    const blob = await write(f, content);
    expect(blob).toMatchObject({ size: LIMIT });
    expect(blob.data).toEqual(content);
    expect(tmpFiles()).toEqual([]);
    await f.store.deliver({ blob, targets: [{ userId: user }], index: sampleIndex('s'), internalDate: 1 });
    expect(await bodyRows(blob.blobId)).toBe(1);
    expect(existsSync(f.store.blobs.files.pathOf(blob.blobId))).toBe(false);
    expect(await f.store.blobs.readBuffer(blob.blobId)).toEqual(content);
    expect(await buffer(f.store.blobs.read(blob.blobId))).toEqual(content);
  });

  it('spills a body past the limit to a file under the same id', async () => {
    const user = await addUser(f);
    const content = bytesOf(LIMIT + 1, 13);
    const blob = await write(f, content);
    expect(blob.data).toBeUndefined();
    expect(tmpFiles()).toEqual([tempName(blob.blobId)]);
    await f.store.deliver({ blob, targets: [{ userId: user }], index: sampleIndex('l'), internalDate: 1 });
    expect(await bodyRows(blob.blobId)).toBe(0);
    expect(existsSync(f.store.blobs.files.pathOf(blob.blobId))).toBe(true);
    expect(await buffer(f.store.blobs.read(blob.blobId))).toEqual(content);
  });

  it('reads a byte range of a body, inline or in a file, without the bytes around it', async () => {
    const user = await addUser(f);
    for (const size of [LIMIT, LIMIT * 3]) {
      const content = bytesOf(size, 11);
      const blob = await write(f, content);
      await f.store.deliver({ blob, targets: [{ userId: user }], index: sampleIndex('r'), internalDate: 1 });
      const range = (start: number, end: number) => buffer(f.store.blobs.read(blob.blobId, { start, end }));
      expect(await range(0, size)).toEqual(content);
      expect(await range(100, 1100)).toEqual(content.subarray(100, 1100));
      expect(await range(size - 5, size + 50)).toEqual(content.subarray(size - 5));
      expect(await range(7, 7)).toEqual(Buffer.alloc(0));
      expect(await range(size + 10, size + 20)).toEqual(Buffer.alloc(0));
    }
    await expect(buffer(f.store.blobs.read(newId(), { start: 1, end: 5 }))).rejects.toMatchObject({
      code: 'MESSAGE_NOT_FOUND',
    });
  });

  it('an aborted spilled writer leaves nothing behind', async () => {
    const writer = f.store.blobs.createWriter();
    // Past the limit and past the file writer's 64 KiB gathering buffer, so the temp file exists.
    await writer.write(bytesOf(LIMIT + 100_000, 3));
    expect(tmpFiles()).toHaveLength(1);
    await writer.abort();
    expect(tmpFiles()).toEqual([]);
  });

  it('a missing body is MESSAGE_NOT_FOUND, read whole or streamed', async () => {
    const ghost = newId();
    await expect(f.store.blobs.readBuffer(ghost)).rejects.toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
    await expect(buffer(f.store.blobs.read(ghost))).rejects.toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
    await expect(f.store.blobs.readBuffer('../x')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('removes a body from wherever it is', async () => {
    const small = await write(f, bytesOf(10, 1));
    const large = await write(f, bytesOf(LIMIT * 2, 5));
    const user = await addUser(f);
    for (const blob of [small, large])
      await f.store.deliver({ blob, targets: [{ userId: user }], index: sampleIndex('r'), internalDate: 1 });
    for (const blob of [small, large]) {
      expect(await f.store.blobs.has(blob.blobId)).toBe(true);
      await f.store.blobs.remove(blob.blobId);
      expect(await f.store.blobs.has(blob.blobId)).toBe(false);
    }
  });
});
