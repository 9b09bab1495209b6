import { afterEach, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import {
  addUser,
  BODY_MODES,
  openStore,
  rawMessage,
  type StoreFixture,
  sampleIndex,
  storeCases,
  writeBlob,
} from '../../../../test/harness/mail-store.js';

const databases = useDatabases();

const held = (subject: string, domain: string) => ({
  id: `q-${subject}-${domain}`,
  blob_id: '',
  domain,
  mail_from: 'x@outside.example',
  recipients: JSON.stringify([{ userId: 'u', address: `a@${domain}` }]),
  subject,
  header_message_id: null,
  size: rawMessage(subject).length,
  score: 0.9,
  reasons: '["rules: hold"]',
  created_at: Date.now(),
});

describe.each(storeCases(databases.engines))('quarantine rows on %s, bodies %s', (engine, mode) => {
  let f: StoreFixture | undefined;
  afterEach(() => f?.close());

  it('commits a held message without a mailbox copy, with the verdict, and keeps its body until released', async () => {
    f = await openStore(await databases.fresh(engine), BODY_MODES[mode]);
    const user = await addUser(f);
    const blob = await writeBlob(f.store, rawMessage('held'));
    await f.store.deliver({
      blob,
      targets: [],
      index: sampleIndex('held'),
      internalDate: Date.now(),
      filterResult: {
        blob_id: '',
        verdict: 'quarantine',
        score: 0.9,
        reasons: '["rules: hold"]',
        created_at: 1,
      },
      quarantine: [held('held', 'a.test'), held('held', 'b.test')],
    });
    const rows = await f.database.db.selectFrom('quarantine').select(['blob_id', 'domain']).execute();
    expect(rows.map((r) => r.domain).sort()).toEqual(['a.test', 'b.test']);
    expect(rows.every((r) => r.blob_id === blob.blobId)).toBe(true);
    expect(await f.store.filterResultOf(blob.blobId)).toMatchObject({ verdict: 'quarantine', score: 0.9 });
    // Neither a release nor a sweep takes a body the quarantine holds.
    await f.store.releaseBlobs([blob.blobId]);
    expect((await f.store.sweepBlobs()).bodyRowsRemoved).toBe(0);
    expect((await f.store.blobs.readBuffer(blob.blobId)).toString()).toBe(rawMessage('held'));
    await f.database.db.deleteFrom('quarantine').execute();
    await f.store.releaseBlobs([blob.blobId]);
    await expect(f.store.blobs.readBuffer(blob.blobId)).rejects.toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
    // The verdict goes with the body.
    expect(await f.store.filterResultOf(blob.blobId)).toBeNull();
    expect(user).toBeTruthy();
  });
});
