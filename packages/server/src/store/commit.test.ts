import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, useDatabases } from '../../../../test/harness/databases.js';
import { addUser, openStore, type StoreFixture, sampleIndex } from '../../../../test/harness/mail-store.js';
import { newId } from '../shared/index.js';
import { createBlobStore } from './blobs.js';
import { createCommitter } from './commit.js';
import type { Database } from './db.js';
import type { DeliveryInput } from './types.js';

const databases = useDatabases();

const delivery = (userId: string, subject: string): DeliveryInput => ({
  blob: { blobId: newId(), size: 3, data: Buffer.from('abc') },
  targets: [{ userId }],
  index: sampleIndex(subject),
  internalDate: 1,
});

describe.each(databases.engines)('group committer on %s', (engine) => {
  let t: TestDatabase;
  let f: StoreFixture;
  beforeAll(async () => {
    t = await databases.fresh(engine);
    f = await openStore(t);
  });
  afterAll(() => f.close());

  it('commits the next batch while the previous one waits for the disk, and answers each once durable', async () => {
    const user = await addUser(f);
    // A disk that holds every flush until the test lets it go.
    const held: Array<() => void> = [];
    const slowDisk: Database = {
      ...f.database,
      durableTransaction: async (fn, onCommitted) => {
        const result = await f.database.durableTransaction(fn, onCommitted);
        await new Promise<void>((resolve) => held.push(resolve));
        return result;
      },
    };
    const committer = createCommitter({
      database: slowDisk,
      blobs: createBlobStore({ dir: join(t.dataDir, 'blobs') }),
    });
    const settled: string[] = [];
    const first = committer.submit(delivery(user, 'first')).then((r) => {
      settled.push('first');
      return r;
    });
    await new Promise((r) => setTimeout(r, 50));
    const second = committer.submit(delivery(user, 'second')).then((r) => {
      settled.push('second');
      return r;
    });
    await new Promise((r) => setTimeout(r, 50));
    // Both transactions have committed; neither delivery is answered before its flush.
    expect(held).toHaveLength(2);
    expect(settled).toEqual([]);
    held[0]?.();
    await first;
    expect(settled).toEqual(['first']);
    held[1]?.();
    const [a, b] = await Promise.all([first, second]);
    // Queue order is UID order.
    expect((await f.store.getMessage(user, a.messageIds[0] as string)).uid).toBe(1);
    expect((await f.store.getMessage(user, b.messageIds[0] as string)).uid).toBe(2);
    await committer.close();
  });
});
