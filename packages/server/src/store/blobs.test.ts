import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDirs } from '../../../../test/harness/tmp.js';
import { newId } from '../shared/index.js';
import { createBlobStore } from './blobs.js';
import { tempName } from './temp-owner.js';

const dirs = tempDirs();
afterAll(() => dirs.removeAll());

async function written(store: ReturnType<typeof createBlobStore>, content: Buffer) {
  const writer = store.createWriter();
  for (let i = 0; i < content.length; i += 1000) await writer.write(content.subarray(i, i + 1000));
  return writer.finish();
}

describe('file blob store', () => {
  it('stores exactly the bytes written, at a path derived from the id', async () => {
    const dir = await dirs.make();
    const store = createBlobStore({ dir });
    const content = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
    const blob = await written(store, content);
    expect(blob.size).toBe(5000);
    // Finished but not committed: only the temp file exists.
    expect(readdirSync(join(dir, 'tmp'))).toEqual([tempName(blob.blobId)]);

    const result = await store.commit([blob.blobId]);
    expect(result).toEqual({ committed: [blob.blobId], failed: new Map() });
    const day = new Date(Number.parseInt(blob.blobId.slice(0, 12), 16))
      .toISOString()
      .slice(0, 10)
      .replaceAll('-', '/');
    expect(store.pathOf(blob.blobId)).toBe(join(dir, day, `${blob.blobId}.eml`));
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    expect(await store.readBuffer(blob.blobId)).toEqual(content);
    expect(await buffer(store.read(blob.blobId))).toEqual(content);

    // Committing again (the same blob delivered twice) is harmless.
    expect((await store.commit([blob.blobId])).committed).toEqual([blob.blobId]);
    await store.remove(blob.blobId);
    await expect(store.readBuffer(blob.blobId)).rejects.toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
  });

  it('reports a blob that was never written as failed, and commits the rest', async () => {
    const store = createBlobStore({ dir: await dirs.make() });
    const real = await written(store, Buffer.from('x'));
    const ghost = newId();
    const result = await store.commit([ghost, real.blobId]);
    expect(result.committed).toEqual([real.blobId]);
    expect([...result.failed.keys()]).toEqual([ghost]);
  });

  it('rejects ids that could leave the blob directory', async () => {
    const store = createBlobStore({ dir: await dirs.make() });
    const bad = [
      '../../etc/passwd',
      '0190a1b2c3d4/../../x',
      '',
      'A'.repeat(24),
      `${newId()}/`,
      `${newId().slice(0, 23)}.`,
    ];
    for (const id of bad) {
      expect(() => store.pathOf(id)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
      expect(() => store.read(id)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
      await expect(store.readBuffer(id)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      await expect(store.remove(id)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
  });

  it('abort removes the temp file, and a finished writer cannot write again', async () => {
    const dir = await dirs.make();
    const store = createBlobStore({ dir });
    const writer = store.createWriter();
    await writer.write(Buffer.from('small writes are gathered in memory'));
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    await writer.write(Buffer.alloc(64 * 1024, 'x')); // past the write buffer: now on disk
    expect(readdirSync(join(dir, 'tmp'))).toHaveLength(1);
    await writer.abort();
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    await expect(writer.write(Buffer.from('more'))).rejects.toThrow(/finished or aborted/);
  });

  it('lists committed blobs and nothing else that lies in its directory', async () => {
    const dir = await dirs.make();
    const store = createBlobStore({ dir });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await written(store, Buffer.from(`blob ${i}`))).blobId);
    await store.commit(ids.slice(0, 2)); // the third stays a temp file
    // What an operator or a file system may leave around: none of it is a blob.
    const day = dirname(store.pathOf(ids[0] as string));
    writeFileSync(join(day, 'notes.txt'), 'x');
    writeFileSync(join(day, 'short.eml'), 'x');
    writeFileSync(join(dir, 'x.eml'), 'x');
    mkdirSync(join(dir, 'lost+found'));
    const listed: string[] = [];
    for await (const id of store.list()) listed.push(id);
    expect(listed.sort()).toEqual(ids.slice(0, 2).sort());
    expect(await store.modifiedAt(ids[0] as string)).toBeGreaterThan(Date.now() - 60_000);
    expect(await store.modifiedAt(ids[2] as string)).toBeUndefined();
  });

  it('sweeps temp files older than an hour when opened, and keeps recent ones', async () => {
    const dir = await dirs.make();
    createBlobStore({ dir });
    const stale = join(dir, 'tmp', `${newId()}.tmp`);
    const fresh = join(dir, 'tmp', `${newId()}.tmp`);
    writeFileSync(stale, 'old');
    writeFileSync(fresh, 'new');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(stale, twoHoursAgo, twoHoursAgo);
    createBlobStore({ dir });
    expect([existsSync(stale), existsSync(fresh)]).toEqual([false, true]);
  });

  it('sweeps at once the temp files of a process of this machine that has ended (a crash), not those of others', async () => {
    const dir = await dirs.make();
    createBlobStore({ dir });
    const ended = spawnSync(process.execPath, ['-e', '']).pid;
    const named = (pid: number) =>
      join(dir, 'tmp', tempName(newId()).replace(`-${process.pid}.`, `-${pid}.`));
    const orphan = named(ended);
    const running = named(process.ppid); // the test runner's parent, alive
    const mine = join(dir, 'tmp', tempName(newId()));
    // Another node's or container's writer (another pid space): only the hour tells.
    const elsewhere = join(dir, 'tmp', tempName(newId()).replace(/\.[0-9a-f]{16}-/, `.${'f'.repeat(16)}-`));
    for (const file of [orphan, running, mine, elsewhere]) writeFileSync(file, 'partial');
    createBlobStore({ dir });
    expect([orphan, running, mine, elsewhere].map((f) => existsSync(f))).toEqual([false, true, true, true]);
  });
});
