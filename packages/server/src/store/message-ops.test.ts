import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import {
  addUser,
  deliverText,
  openStore,
  rawMessage,
  type StoreFixture,
  sampleIndex,
  writeBlob,
} from '../../../../test/harness/mail-store.js';
import { FLAG, type Mailbox } from './index.js';

const databases = useDatabases();

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe.each(databases.engines)('IMAP message operations on %s', (engine) => {
  let f: StoreFixture;
  beforeAll(async () => {
    // Bodies in files: a released blob is visible as a missing file.
    f = await openStore(await databases.fresh(engine), { inlineBodyMaxBytes: 0 });
  });
  afterAll(() => f.close());

  const box = async (userId: string, name: string): Promise<Mailbox> => f.store.getMailbox(userId, name);

  /** The journal of a mailbox, in order. */
  const journal = async (mailboxId: string) =>
    (
      await f.database.db
        .selectFrom('mail_changes')
        .select(['modseq', 'uid', 'kind'])
        .where('mailbox_id', '=', mailboxId)
        .orderBy('modseq')
        .orderBy('uid')
        .execute()
    ).map((r) => [r.kind, Number(r.uid), Number(r.modseq)]);

  async function fill(userId: string, count: number) {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1)
      ids.push(...(await deliverText(f.store, `m${i}`, [{ userId }])).messageIds);
    return ids;
  }

  it('journals every delivery with its own modseq and reports its placement', async () => {
    const user = await addUser(f);
    const { messageIds } = await deliverText(f.store, 'one', [{ userId: user }]);
    const blob = await writeBlob(f.store, rawMessage('two'));
    const { placed } = await f.store.deliver({
      blob,
      targets: [{ userId: user }, { userId: user, mailbox: 'Sent', seen: true }],
      index: sampleIndex('two'),
      internalDate: Date.now(),
    });
    const inbox = await box(user, 'INBOX');
    const sent = await box(user, 'Sent');
    expect(placed).toEqual([
      { messageId: expect.any(String), userId: user, mailboxId: inbox.id, uid: 2, modseq: 2 },
      { messageId: expect.any(String), userId: user, mailboxId: sent.id, uid: 1, modseq: 1 },
    ]);
    expect(messageIds).toHaveLength(1);
    expect(await journal(inbox.id)).toEqual([
      ['new', 1, 1],
      ['new', 2, 2],
    ]);
    expect(await journal(sent.id)).toEqual([['new', 1, 1]]);
    expect(inbox.highestModseq).toBe(2);
  });

  it('STORE: one new modseq for the messages it changes, none for the unchanged, counters exact', async () => {
    const user = await addUser(f);
    await fill(user, 4);
    const inbox = await box(user, 'INBOX');
    const first = await f.store.setFlags(user, inbox.id, [[1, 2]], {
      mode: 'add',
      flags: FLAG.seen,
      keywords: ['$junk', 'Work'],
    });
    expect(first.messages).toEqual([
      { uid: 1, modseq: 5, flags: FLAG.seen, keywords: ['$Junk', 'Work'], changed: true },
      { uid: 2, modseq: 5, flags: FLAG.seen, keywords: ['$Junk', 'Work'], changed: true },
    ]);
    expect(first.highestModseq).toBe(5);
    // Again: nothing changes, no modseq moves.
    const again = await f.store.setFlags(user, inbox.id, [1, 2], {
      mode: 'add',
      flags: FLAG.seen,
      keywords: ['work'],
    });
    expect(again.messages.map((m) => [m.uid, m.modseq, m.changed])).toEqual([
      [1, 5, false],
      [2, 5, false],
    ]);
    expect(again.highestModseq).toBe(5);
    const removed = await f.store.setFlags(user, inbox.id, [[1, 4]], {
      mode: 'remove',
      flags: FLAG.seen,
      keywords: ['WORK'],
    });
    expect(removed.messages.map((m) => [m.uid, m.flags, m.keywords, m.changed])).toEqual([
      [1, 0, ['$Junk'], true],
      [2, 0, ['$Junk'], true],
      [3, 0, [], false],
      [4, 0, [], false],
    ]);
    await f.store.setFlags(user, inbox.id, [3, 4, 99], {
      mode: 'replace',
      flags: FLAG.deleted | FLAG.flagged,
    });
    const after = await box(user, 'INBOX');
    expect(after).toMatchObject({ total: 4, unread: 4, deleted: 2, highestModseq: 7 });
    expect(await journal(inbox.id)).toEqual([
      ['new', 1, 1],
      ['new', 2, 2],
      ['new', 3, 3],
      ['new', 4, 4],
      ['flags', 1, 5],
      ['flags', 2, 5],
      ['flags', 1, 6],
      ['flags', 2, 6],
      ['flags', 3, 7],
      ['flags', 4, 7],
    ]);
  });

  it('STORE UNCHANGEDSINCE: a message changed since is left alone and reported', async () => {
    const user = await addUser(f);
    await fill(user, 3);
    const inbox = await box(user, 'INBOX');
    await f.store.setFlags(user, inbox.id, [2], { mode: 'add', flags: FLAG.flagged }); // uid 2 → modseq 4
    const result = await f.store.setFlags(user, inbox.id, [[1, 3]], {
      mode: 'add',
      flags: FLAG.seen,
      unchangedSince: 3,
    });
    expect(result.failed).toEqual([2]);
    expect(result.messages.map((m) => [m.uid, m.modseq])).toEqual([
      [1, 5],
      [3, 5],
    ]);
    await expect(
      f.store.setFlags(user, inbox.id, [1], { mode: 'add', flags: 0, keywords: ['bad keyword'] }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('EXPUNGE removes only \\Deleted messages, journals them under one modseq, frees quota and releases bodies', async () => {
    const user = await addUser(f);
    const ids = await fill(user, 4);
    const inbox = await box(user, 'INBOX');
    const blobs = await Promise.all(ids.map(async (id) => (await f.store.getMessage(user, id)).blobId));
    const usedBefore = (await f.store.quota(user)).usedBytes;
    const size = (await f.store.getMessage(user, ids[1] as string)).size;
    await f.store.setFlags(user, inbox.id, [2, 4], { mode: 'add', flags: FLAG.deleted });
    const done = await f.store.expunge(user, inbox.id, { uids: [[1, 3]] });
    expect(done).toEqual({ uids: [2], modseq: 6, highestModseq: 6 });
    expect(await f.store.blobs.has(blobs[1] as string)).toBe(false);
    expect(await f.store.blobs.has(blobs[3] as string)).toBe(true);
    const all = await f.store.expunge(user, inbox.id);
    expect(all.uids).toEqual([4]);
    expect(await box(user, 'INBOX')).toMatchObject({ total: 2, deleted: 0, unread: 2, highestModseq: 7 });
    expect((await f.store.quota(user)).usedBytes).toBe(usedBefore - 2 * size);
    expect((await journal(inbox.id)).filter(([k]) => k === 'expunge')).toEqual([
      ['expunge', 2, 6],
      ['expunge', 4, 7],
    ]);
    // Nothing to expunge: no modseq.
    expect(await f.store.expunge(user, inbox.id)).toEqual({ uids: [], modseq: 0, highestModseq: 7 });
    // POP3's UPDATE: whatever the flag.
    expect((await f.store.expunge(user, inbox.id, { uids: [1], ignoreDeletedFlag: true })).uids).toEqual([1]);
  });

  it('COPY shares the body, maps UIDs, counts quota again; MOVE keeps ids and quota', async () => {
    const user = await addUser(f);
    const ids = await fill(user, 3);
    const inbox = await box(user, 'INBOX');
    const trash = await box(user, 'Trash');
    await f.store.setFlags(user, inbox.id, [2], {
      mode: 'add',
      flags: FLAG.seen | FLAG.flagged,
      keywords: ['$Forwarded'],
    });
    const used = (await f.store.quota(user)).usedBytes;
    const copied = await f.store.copyMessages(user, inbox.id, [3, 2, 77], trash.id);
    expect(copied).toMatchObject({
      uidValidity: trash.uidValidity,
      sourceUids: [2, 3],
      destUids: [1, 2],
      highestModseq: 1,
    });
    expect((await f.store.quota(user)).usedBytes).toBe(used * (5 / 3));
    const copies = await all(f.store.fetchMessages(user, trash.id, [[1, 10]]));
    expect(copies.map((c) => [c.uid, c.flags, c.keywords])).toEqual([
      [1, FLAG.seen | FLAG.flagged, ['$Forwarded']],
      [2, 0, []],
    ]);
    const original = await f.store.getMessage(user, ids[1] as string);
    expect(copies[0]?.blobId).toBe(original.blobId);
    expect(await box(user, 'Trash')).toMatchObject({ total: 2, unread: 1, uidNext: 3 });

    const moved = await f.store.moveMessages(user, inbox.id, [[1, 2]], trash.id);
    expect(moved).toMatchObject({ sourceUids: [1, 2], destUids: [3, 4], highestModseq: 2, sourceModseq: 5 });
    expect((await f.store.getMessage(user, ids[0] as string)).mailbox).toBe('Trash');
    expect((await f.store.quota(user)).usedBytes).toBe(used * (5 / 3));
    expect(await box(user, 'INBOX')).toMatchObject({ total: 1, unread: 1 });
    expect(await box(user, 'Trash')).toMatchObject({ total: 4, unread: 2, uidNext: 5, highestModseq: 2 });
    expect((await journal(inbox.id)).slice(-2)).toEqual([
      ['expunge', 1, 5],
      ['expunge', 2, 5],
    ]);
    expect(await journal(trash.id)).toEqual([
      ['new', 1, 1],
      ['new', 2, 1],
      ['new', 3, 2],
      ['new', 4, 2],
    ]);
  });

  it('COPY past the quota copies nothing', async () => {
    const user = await addUser(f);
    await fill(user, 1);
    const inbox = await box(user, 'INBOX');
    const size = (await f.store.quota(user)).usedBytes;
    await f.database.db
      .updateTable('users')
      .set({ quota_bytes: size + 1 })
      .where('id', '=', user)
      .execute();
    await expect(f.store.copyMessages(user, inbox.id, [1], inbox.id)).rejects.toMatchObject({
      code: 'QUOTA_EXCEEDED',
    });
    expect(await box(user, 'INBOX')).toMatchObject({ total: 1, uidNext: 2 });
    expect((await f.store.quota(user)).usedBytes).toBe(size);
  });

  it('APPEND stores flags, keywords and the internal date, refuses past the quota and keeps no body then', async () => {
    const user = await addUser(f);
    const drafts = await box(user, 'Drafts');
    const blob = await writeBlob(f.store, rawMessage('draft'));
    const placed = await f.store.append({
      userId: user,
      mailboxId: drafts.id,
      blob,
      index: sampleIndex('draft'),
      flags: FLAG.draft | FLAG.seen,
      keywords: ['$NotJunk'],
      internalDate: Date.UTC(2020, 1, 2),
    });
    expect(placed).toMatchObject({ userId: user, mailboxId: drafts.id, uid: 1, modseq: 1 });
    const [record] = await all(f.store.fetchMessages(user, drafts.id, [1]));
    expect(record).toMatchObject({
      flags: FLAG.draft | FLAG.seen,
      keywords: ['$NotJunk'],
      internalDate: Date.UTC(2020, 1, 2),
    });
    expect(await box(user, 'Drafts')).toMatchObject({ total: 1, unread: 0, size: blob.size });
    await f.database.db
      .updateTable('users')
      .set({ quota_bytes: blob.size + 1 })
      .where('id', '=', user)
      .execute();
    const second = await writeBlob(f.store, rawMessage('too much'));
    await expect(
      f.store.append({ userId: user, mailboxId: drafts.id, blob: second, index: sampleIndex('x') }),
    ).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED' });
    expect(await f.store.blobs.has(second.blobId)).toBe(false);
    const other = await addUser(f);
    const third = await writeBlob(f.store, rawMessage('not yours'));
    await expect(
      f.store.append({ userId: other, mailboxId: drafts.id, blob: third, index: sampleIndex('x') }),
    ).rejects.toMatchObject({ code: 'MAILBOX_NOT_FOUND' });
  });

  it('loads the UID list as typed arrays and syncs a view with changesSince', async () => {
    const user = await addUser(f);
    await fill(user, 5);
    const inbox = await box(user, 'INBOX');
    await f.store.setFlags(user, inbox.id, [3], { mode: 'add', flags: FLAG.answered, keywords: ['x'] });
    const list = await f.store.loadUidList(user, inbox.id);
    expect([...list.uids]).toEqual([1, 2, 3, 4, 5]);
    expect([...list.modseqs]).toEqual([1, 2, 6, 4, 5]);
    expect([...list.flags]).toEqual([0, 0, FLAG.answered, 0, 0]);
    expect(list.keywords).toEqual(new Map([[3, ['x']]]));
    expect(list).toMatchObject({
      highestModseq: 6,
      uidNext: 6,
      keywordsInUse: ['x'],
      uidValidity: inbox.uidValidity,
    });
    expect((await f.store.loadUidList(user, inbox.id, { uidsOnly: true })).flags).toHaveLength(0);

    await f.store.setFlags(user, inbox.id, [1, 2], { mode: 'add', flags: FLAG.deleted });
    await f.store.expunge(user, inbox.id, { uids: [2] });
    await deliverText(f.store, 'late', [{ userId: user }]);
    await f.store.setFlags(user, inbox.id, [6], { mode: 'add', flags: FLAG.seen });
    const changes = await f.store.changesSince(user, inbox.id, list.highestModseq);
    expect(changes).toMatchObject({ highestModseq: 10, uidNext: 7, expungedComplete: true });
    expect(changes.changed).toEqual([
      { uid: 1, modseq: 7, flags: FLAG.deleted, keywords: [] },
      { uid: 6, modseq: 10, flags: FLAG.seen, keywords: [] },
    ]);
    expect(changes.expunged).toEqual([{ uid: 2, modseq: 8 }]);
    const none = await f.store.changesSince(user, inbox.id, 10);
    expect([none.changed, none.expunged]).toEqual([[], []]);
  });

  it('prunes the journal past its retention and says so to changesSince', async () => {
    const user = await addUser(f);
    await fill(user, 3);
    const inbox = await box(user, 'INBOX');
    await f.store.setFlags(user, inbox.id, [1], { mode: 'add', flags: FLAG.deleted });
    await f.store.expunge(user, inbox.id); // modseq 5
    // Everything written so far is old by then.
    const removed = await f.store.pruneJournal(Date.now() + 31 * 24 * 3600 * 1000);
    expect(removed).toBeGreaterThanOrEqual(5);
    expect(await journal(inbox.id)).toEqual([]);
    await f.store.setFlags(user, inbox.id, [3], { mode: 'add', flags: FLAG.seen }); // modseq 6, journaled
    const since = await f.store.changesSince(user, inbox.id, 2);
    expect(since.expungedComplete).toBe(false);
    expect(since.changed.map((c) => c.uid)).toEqual([3]);
    const recent = await f.store.changesSince(user, inbox.id, 5);
    expect(recent).toMatchObject({ expungedComplete: true, expunged: [] });
    expect(recent.changed.map((c) => [c.uid, c.modseq])).toEqual([[3, 6]]);
  });

  it('keeps modseqs strictly increasing per mailbox under concurrent deliveries and flag changes', async () => {
    const user = await addUser(f);
    await fill(user, 2);
    const inbox = await box(user, 'INBOX');
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 30; i += 1) {
      work.push(deliverText(f.store, `c${i}`, [{ userId: user }]));
      work.push(
        f.store.setFlags(user, inbox.id, [[1, 2]], { mode: i % 2 ? 'add' : 'remove', flags: FLAG.seen }),
      );
    }
    await Promise.all(work);
    const rows = await journal(inbox.id);
    const modseqs = rows.map(([, , m]) => m as number);
    // Per change one modseq; flag changes of the two messages share theirs.
    const distinct = [...new Set(modseqs)];
    expect(distinct).toEqual([...distinct].sort((a, b) => a - b));
    expect(distinct.at(-1)).toBe((await box(user, 'INBOX')).highestModseq);
    expect(rows.filter(([k]) => k === 'new')).toHaveLength(32);
    expect(new Set(rows.filter(([k]) => k === 'new').map(([, , m]) => m)).size).toBe(32);
    const list = await f.store.loadUidList(user, inbox.id);
    expect(list.uids).toHaveLength(32);
    expect(Math.max(...list.modseqs)).toBe(list.highestModseq);
  });

  it("publishes every committed change to the user's subscribers", async () => {
    const user = await addUser(f);
    const seen: Array<[string, number]> = [];
    const stop = f.store.notifier.subscribe(user, (_u, mailboxId, modseq) => seen.push([mailboxId, modseq]));
    const inbox = await box(user, 'INBOX');
    await deliverText(f.store, 'n1', [{ userId: user }]);
    await f.store.setFlags(user, inbox.id, [1], { mode: 'add', flags: FLAG.seen });
    await new Promise((r) => setTimeout(r, 10));
    stop();
    await deliverText(f.store, 'n2', [{ userId: user }]);
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([
      [inbox.id, 1],
      [inbox.id, 2],
    ]);
  });
});
