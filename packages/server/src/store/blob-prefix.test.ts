import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import { addUser, openStore, type StoreFixture, sampleIndex } from '../../../../test/harness/mail-store.js';
import { tempDirs } from '../../../../test/harness/tmp.js';
import { createBlobStore } from './blobs.js';
import { tempName } from './temp-owner.js';

const databases = useDatabases();
const dirs = tempDirs();
afterAll(() => dirs.removeAll());

const body = Buffer.from(Array.from({ length: 700_000 }, (_, i) => 32 + (i % 90)));
const prefix = Buffer.from('Authentication-Results: mx.example.com;\r\n\tspf=pass\r\n');

describe('a body finished with a prefix (the MX header known only at the end of DATA)', () => {
  it('puts the prefix in front of a body already in a file, leaving one temp file that commits as usual', async () => {
    const dir = await dirs.make();
    const store = createBlobStore({ dir });
    const writer = store.createWriter();
    for (let i = 0; i < body.length; i += 65_536) await writer.write(body.subarray(i, i + 65_536));
    const blob = await writer.finish(prefix);
    expect(blob.size).toBe(prefix.length + body.length);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([tempName(blob.blobId)]);
    await store.commit([blob.blobId]);
    expect((await store.readBuffer(blob.blobId)).equals(Buffer.concat([prefix, body]))).toBe(true);
  });
});

describe.each(databases.engines)(
  'a prefixed body and its authentication results in the store on %s',
  (engine) => {
    let f: StoreFixture;
    beforeAll(async () => {
      f = await openStore(await databases.fresh(engine), { inlineBodyMaxBytes: 4096 });
    });
    afterAll(() => f.close());

    it('stores prefix + body, inline or in a file, with one results row per body that goes with the body', async () => {
      const [a, b] = [await addUser(f), await addUser(f)];
      for (const size of [1000, 10_000]) {
        const content = Buffer.alloc(size, 0x62);
        const writer = f.store.blobs.createWriter();
        for (let i = 0; i < size; i += 1000) await writer.write(content.subarray(i, i + 1000));
        const blob = await writer.finish(prefix);
        const { messageIds } = await f.store.deliver({
          blob,
          targets: [{ userId: a }, { userId: b, mailbox: 'Junk' }],
          index: sampleIndex('auth'),
          internalDate: 1,
          authResults: '{"spf":{"result":"pass"}}',
        });
        expect(await buffer(f.store.blobs.read(blob.blobId))).toEqual(Buffer.concat([prefix, content]));
        expect(await f.store.authResultsOf(blob.blobId)).toBe('{"spf":{"result":"pass"}}');
        const rows = await f.database.db
          .selectFrom('message_auth_results')
          .select('blob_id')
          .where('blob_id', '=', blob.blobId)
          .execute();
        expect(rows).toHaveLength(1);
        // The last copy deleted releases the body, and its results with it.
        await f.store.deleteMessage(a, messageIds[0] as string);
        expect(await f.store.authResultsOf(blob.blobId)).not.toBeNull();
        await f.store.deleteMessage(b, messageIds[1] as string);
        expect(await f.store.authResultsOf(blob.blobId)).toBeNull();
      }
    });
  },
);
