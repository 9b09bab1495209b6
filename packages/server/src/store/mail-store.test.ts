import { existsSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, useDatabases } from '../../../../test/harness/databases.js';
import {
  addUser,
  BODY_MODES,
  deliverText,
  openStore,
  rawMessage,
  type StoreFixture,
  sampleIndex,
  storeCases,
  writeBlob,
} from '../../../../test/harness/mail-store.js';
import { newId } from '../shared/index.js';
import { createMailStore, type DeliveryInput, type DeliveryTarget } from './index.js';
import { tempName } from './temp-owner.js';

const databases = useDatabases();

/** Every mailbox's counters recomputed from its rows; the store must agree exactly. */
async function assertCountersMatchRows(f: StoreFixture, userId: string) {
  const { db } = f.database;
  const boxes = await db.selectFrom('mailboxes').selectAll().where('user_id', '=', userId).execute();
  for (const box of boxes) {
    const rows = await db
      .selectFrom('messages')
      .selectAll()
      .where('mailbox_id', '=', box.id)
      .orderBy('uid')
      .execute();
    expect({ name: box.name, total: box.total, unread: box.unread, size: box.size }).toEqual({
      name: box.name,
      total: rows.length,
      unread: rows.filter((r) => !r.seen).length,
      size: rows.reduce((s, r) => s + r.size, 0),
    });
    // UIDs are 1..n without gaps here (nothing deleted or moved), and uid_next follows the last.
    expect(rows.map((r) => r.uid)).toEqual(rows.map((_, i) => i + 1));
    expect(box.uid_next).toBe(rows.length + 1);
    expect(new Set(rows.map((r) => r.modseq)).size).toBe(rows.length);
    expect(box.highest_modseq).toBe(Math.max(0, ...rows.map((r) => r.modseq)));
  }
  const used = await db.selectFrom('messages').select('size').where('user_id', '=', userId).execute();
  const user = await db
    .selectFrom('users')
    .select('used_bytes')
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  expect(user.used_bytes).toBe(used.reduce((s, r) => s + r.size, 0));
}

/** Delivers prepared inputs in one burst, as concurrent SMTP sessions finishing together would. */
async function burst(f: StoreFixture, inputs: DeliveryInput[]) {
  return Promise.allSettled(inputs.map((input) => f.store.deliver(input)));
}

async function prepared(f: StoreFixture, subject: string, targets: DeliveryTarget[]): Promise<DeliveryInput> {
  const blob = await writeBlob(f.store, rawMessage(subject));
  return { blob, targets, index: sampleIndex(subject), internalDate: Date.now() };
}

describe.each(storeCases(databases.engines))('mail store delivery on %s, bodies %s', (engine, mode) => {
  let t: TestDatabase;
  let f: StoreFixture;

  beforeAll(async () => {
    t = await databases.fresh(engine);
    f = await openStore(t, BODY_MODES[mode]);
  });
  afterAll(() => f.close());

  it('delivers 200 concurrent messages with unique, ordered UIDs and exact counters', async () => {
    const [a, b, c] = [await addUser(f), await addUser(f), await addUser(f)] as [string, string, string];
    const targetsOf = (i: number): DeliveryTarget[] => [
      { userId: a, seen: i % 5 === 0 },
      ...(i % 2 ? [{ userId: b }] : []),
      ...(i % 3 === 0 ? [{ userId: c, mailbox: 'Junk' }] : []),
    ];
    const inputs = await Promise.all(
      Array.from({ length: 200 }, (_, i) => prepared(f, `m${i}`, targetsOf(i))),
    );
    const before = { ...f.store.commitStats };
    const results = await burst(f, inputs);

    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    const stats = f.store.commitStats;
    expect(stats.delivered - before.delivered).toBe(200);
    // Group commit: far fewer flushes than deliveries, none bigger than maxBatch.
    expect(stats.flushes - before.flushes).toBeGreaterThanOrEqual(Math.ceil(200 / 64));
    expect(stats.flushes - before.flushes).toBeLessThan(20);
    expect(stats.largestBatch).toBeLessThanOrEqual(64);

    // Delivery i is the (i+1)-th message of a's INBOX: UIDs follow submission order.
    const ids = results.map((r) => (r.status === 'fulfilled' ? r.value.messageIds : []));
    const first = await f.store.getMessage(a, ids[0]?.[0] as string);
    const last = await f.store.getMessage(a, ids[199]?.[0] as string);
    expect([first.uid, last.uid, last.subject]).toEqual([1, 200, 'm199']);
    expect(ids[3]).toHaveLength(3);
    expect((await f.store.getMessage(c, ids[3]?.[2] as string)).mailbox).toBe('Junk');

    for (const user of [a, b, c]) await assertCountersMatchRows(f, user);
    const inbox = (await f.store.listMailboxes(a)).find((m) => m.name === 'INBOX');
    expect(inbox?.total).toBe(200);
    expect(inbox?.unread).toBe(160);
    expect((await f.store.quota(b)).usedBytes).toBe(
      inputs.filter((_, i) => i % 2).reduce((s, x) => s + x.blob.size, 0),
    );
    expect((await f.store.blobs.readBuffer(last.blobId)).toString()).toBe(rawMessage('m199'));
  });

  it('never batches more than maxBatch', async () => {
    const user = await addUser(f);
    const small = createMailStore({
      database: f.database,
      dataDir: t.dataDir,
      maxBatch: 8,
      ...BODY_MODES[mode],
    });
    const inputs = await Promise.all(
      Array.from({ length: 50 }, (_, i) => prepared(f, `s${i}`, [{ userId: user }])),
    );
    await Promise.all(inputs.map((input) => small.deliver(input)));
    await small.close();
    expect(small.commitStats.largestBatch).toBe(8);
    expect(small.commitStats.flushes).toBeGreaterThanOrEqual(7);
    expect(small.commitStats.flushes).toBeLessThan(50);
    await assertCountersMatchRows(f, user);
  });

  it('rejects only the delivery whose mailbox is unknown and removes its blob', async () => {
    const user = await addUser(f);
    const good1 = await prepared(f, 'good1', [{ userId: user }]);
    const bad = await prepared(f, 'bad', [{ userId: user }, { userId: newId() }]);
    const good2 = await prepared(f, 'good2', [{ userId: user }]);
    const results = await burst(f, [good1, bad, good2]);

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[1]).toMatchObject({ reason: { code: 'MAILBOX_NOT_FOUND' } });
    expect(await f.store.blobs.has(bad.blob.blobId)).toBe(false);
    expect(await f.store.blobs.has(good2.blob.blobId)).toBe(true);
    await assertCountersMatchRows(f, user);
  });

  it('splits a batch whose transaction fails, so only the bad delivery is rejected', async () => {
    const user = await addUser(f);
    const good = await Promise.all([
      prepared(f, 'g1', [{ userId: user }]),
      prepared(f, 'g2', [{ userId: user }]),
    ]);
    const bad = await prepared(f, 'bad', [{ userId: user }]);
    // A NOT NULL violation inside the transaction: the whole batch's transaction rolls back.
    (bad.index as { subject: unknown }).subject = null;
    const before = { ...f.store.commitStats };
    const results = await burst(f, [good[0] as DeliveryInput, bad, good[1] as DeliveryInput]);

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[1]).toMatchObject({ reason: { code: 'INTERNAL' } });
    expect(f.store.commitStats.flushes - before.flushes).toBe(1);
    expect(f.store.commitStats.splitBatches - before.splitBatches).toBe(1);
    expect(await f.store.blobs.has(bad.blob.blobId)).toBe(false);
    // The rolled-back UIDs were not used up: the next delivery continues without a gap.
    const next = await deliverText(f.store, 'after', [{ userId: user }]);
    expect((await f.store.getMessage(user, next.messageIds[0] as string)).uid).toBe(3);
    await assertCountersMatchRows(f, user);
  });

  it('rejects a delivery whose blob was never written, without touching the others', async () => {
    const user = await addUser(f);
    const good = await prepared(f, 'ok', [{ userId: user }]);
    const ghost: DeliveryInput = { ...good, blob: { blobId: newId(), size: 10 } };
    const results = await burst(f, [ghost, good]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    await assertCountersMatchRows(f, user);
  });

  it('validates input before queueing', async () => {
    const user = await addUser(f);
    const input = await prepared(f, 'v', [{ userId: user }]);
    await expect(f.store.deliver({ ...input, targets: [] })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    const traversal = { ...input, blob: { blobId: '../../../etc/passwd', size: 1 } };
    await expect(f.store.deliver(traversal)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('keeps everything across a restart', async () => {
    const user = await addUser(f);
    const sent = await deliverText(f.store, 'persisted', [
      { userId: user },
      { userId: user, mailbox: 'Sent', seen: true },
    ]);
    const boxesBefore = await f.store.listMailboxes(user);
    await f.close();
    f = await openStore(t, BODY_MODES[mode]);

    expect(await f.store.listMailboxes(user)).toEqual(boxesBefore);
    const msg = await f.store.getMessage(user, sent.messageIds[0] as string);
    expect([msg.subject, msg.uid, msg.mailbox]).toEqual(['persisted', 1, 'INBOX']);
    expect((await f.store.blobs.readBuffer(msg.blobId)).toString()).toBe(rawMessage('persisted'));
    const again = await deliverText(f.store, 'after restart', [{ userId: user }]);
    expect((await f.store.getMessage(user, again.messageIds[0] as string)).uid).toBe(2);
    expect(await f.store.unreadCount(user)).toEqual({ unread: 2, total: 2 });
    await assertCountersMatchRows(f, user);
  });

  it('close() waits for queued deliveries and then refuses new ones', async () => {
    const user = await addUser(f);
    const store = createMailStore({ database: f.database, dataDir: t.dataDir, ...BODY_MODES[mode] });
    const inputs = await Promise.all(
      Array.from({ length: 20 }, (_, i) => prepared(f, `c${i}`, [{ userId: user }])),
    );
    const pending = inputs.map((input) => store.deliver(input));
    await store.close();
    // Every queued delivery settled successfully before close() returned.
    expect(store.commitStats.delivered).toBe(20);
    expect(await Promise.all(pending)).toHaveLength(20);
    await expect(store.deliver(inputs[0] as DeliveryInput)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await assertCountersMatchRows(f, user);
  });

  // PostgreSQL: a second node with its own connection pool. SQLite has one writer per file (a second
  // better-sqlite3 handle in this process would block the event loop on locks), so there the second
  // committer shares the first one's database handle — two group committers racing all the same.
  it('two committers on one database never hand out one UID twice', async () => {
    const user = await addUser(f);
    const secondCommitter = () => {
      const store = createMailStore({ database: f.database, dataDir: t.dataDir, ...BODY_MODES[mode] });
      return { store, close: () => store.close() };
    };
    const other = engine === 'postgres' ? await openStore(t, BODY_MODES[mode]) : secondCommitter();
    try {
      const one = Array.from({ length: 60 }, (_, i) => deliverText(f.store, `n1-${i}`, [{ userId: user }]));
      const two = Array.from({ length: 60 }, (_, i) =>
        deliverText(other.store, `n2-${i}`, [{ userId: user }]),
      );
      await Promise.all([...one, ...two]);
    } finally {
      await other.close();
    }
    await assertCountersMatchRows(f, user);
    expect((await f.store.unreadCount(user)).total).toBe(120);
  });
});

describe.each(databases.engines)('bodies handed to the committer on %s', (engine) => {
  it("move when the store's writer made them, and leave a caller's own buffer as it was", async () => {
    const f = await openStore(await databases.fresh(engine));
    try {
      const userId = await addUser(f);
      const owned = await writeBlob(f.store, rawMessage('moved'));
      expect(owned.ownsMemory).toBe(true);
      const text = rawMessage('copied');
      const theirs = Buffer.from(`padding|${text}`).subarray('padding|'.length);
      const blob = { blobId: newId(), size: theirs.length, data: theirs };
      const [moved, copied] = await burst(f, [
        { blob: owned, targets: [{ userId }], index: sampleIndex('moved'), internalDate: Date.now() },
        { blob, targets: [{ userId }], index: sampleIndex('copied'), internalDate: Date.now() },
      ]);
      expect([moved?.status, copied?.status]).toEqual(['fulfilled', 'fulfilled']);
      // On SQLite the body's memory went to the committer's thread; PostgreSQL's committer runs here.
      expect(owned.data?.byteLength).toBe(engine === 'sqlite' ? 0 : rawMessage('moved').length);
      expect(theirs.toString()).toBe(text);
      expect((await f.store.blobs.readBuffer(owned.blobId)).toString()).toBe(rawMessage('moved'));
      expect((await f.store.blobs.readBuffer(blob.blobId)).toString()).toBe(text);
    } finally {
      await f.close();
    }
  });
});

describe.each(databases.engines)('sweeping body files a crash left behind, on %s', (engine) => {
  const HOUR = 60 * 60 * 1000;
  /** A blob id made `hours` ago (`newId()` starts with the time in ms). */
  const idFrom = (hours: number) =>
    Math.floor(Date.now() - hours * HOUR)
      .toString(16)
      .padStart(12, '0') + newId().slice(12);
  const age = (path: string, hours: number) => {
    const then = new Date(Date.now() - hours * HOUR);
    utimesSync(path, then, then);
  };

  it('removes bodies in the database no message references, and keeps the rest', async () => {
    const f = await openStore(await databases.fresh(engine), BODY_MODES.inline);
    try {
      const user = await addUser(f);
      const kept = await deliverText(f.store, 'kept', [{ userId: user }]);
      const lost = await deliverText(f.store, 'lost', [{ userId: user }]);
      // The delete committed, then the process died before it released the body.
      await f.database.db
        .deleteFrom('messages')
        .where('id', '=', lost.messageIds[0] as string)
        .execute();
      expect(await f.store.blobs.has(lost.blob.blobId)).toBe(true);

      expect((await f.store.sweepBlobs()).bodyRowsRemoved).toBe(1);
      expect(await f.store.blobs.has(lost.blob.blobId)).toBe(false);
      expect((await f.store.blobs.readBuffer(kept.blob.blobId)).toString()).toBe(rawMessage('kept'));
      expect((await f.store.sweepBlobs()).bodyRowsRemoved).toBe(0);
    } finally {
      await f.close();
    }
  });

  it('removes old files no message references and stale temp files, and keeps the rest', async () => {
    const f = await openStore(await databases.fresh(engine), BODY_MODES.files);
    try {
      const files = f.store.blobs.files;
      const write = async (blobId: string) => {
        const writer = files.createWriter(blobId);
        await writer.write(Buffer.from(rawMessage(blobId)));
        return writer.finish();
      };
      const tempOf = (blobId: string) => join(files.root, 'tmp', tempName(blobId));
      const user = await addUser(f);

      // Delivered two hours ago: referenced, kept however old.
      const delivered = idFrom(2);
      const blob = await write(delivered);
      const [messageId] = (
        await f.store.deliver({
          blob,
          targets: [{ userId: user }],
          index: sampleIndex('kept'),
          internalDate: Date.now(),
        })
      ).messageIds;
      age(files.pathOf(delivered), 2);
      // Moved into place two hours ago, rows never committed (the process died): removed.
      const orphan = idFrom(2);
      await write(orphan);
      await files.commit([orphan]);
      age(files.pathOf(orphan), 2);
      // An old id whose file was written just now (a slow delivery, about to commit): kept.
      const slow = idFrom(2);
      await write(slow);
      await files.commit([slow]);
      // Just moved into place, rows not committed yet: kept, without even a query.
      const young = newId();
      await write(young);
      await files.commit([young]);
      // A temp file of a writer that died an hour and more ago: removed; a recent one: kept.
      const deadWriter = newId();
      await write(deadWriter);
      age(tempOf(deadWriter), 2);
      const liveWriter = newId();
      await write(liveWriter);

      expect(await f.store.sweepBlobs()).toEqual({
        checked: 3,
        removed: 1,
        tempRemoved: 1,
        bodyRowsRemoved: 0,
      });
      expect({
        delivered: existsSync(files.pathOf(delivered)),
        orphan: existsSync(files.pathOf(orphan)),
        slow: existsSync(files.pathOf(slow)),
        young: existsSync(files.pathOf(young)),
        deadWriter: existsSync(tempOf(deadWriter)),
        liveWriter: existsSync(tempOf(liveWriter)),
      }).toEqual({
        delivered: true,
        orphan: false,
        slow: true,
        young: true,
        deadWriter: false,
        liveWriter: true,
      });
      const message = await f.store.getMessage(user, messageId as string);
      expect((await f.store.blobs.readBuffer(message.blobId)).toString()).toBe(rawMessage(delivered));
      // Nothing left to do the second time.
      expect(await f.store.sweepBlobs()).toEqual({
        checked: 2,
        removed: 0,
        tempRemoved: 0,
        bodyRowsRemoved: 0,
      });
    } finally {
      await f.close();
    }
  });
});
