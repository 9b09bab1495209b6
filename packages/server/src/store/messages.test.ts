import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import {
  addUser,
  BODY_MODES,
  deliverText,
  openStore,
  type StoreFixture,
  storeCases,
} from '../../../../test/harness/mail-store.js';
import { newId } from '../shared/index.js';
import { DEFAULT_MAILBOXES, type DeliveryTarget } from './index.js';

const databases = useDatabases();

describe.each(storeCases(databases.engines))(
  'mail store reads and changes on %s, bodies %s',
  (engine, mode) => {
    let f: StoreFixture;

    beforeAll(async () => {
      f = await openStore(await databases.fresh(engine), BODY_MODES[mode]);
    });
    afterAll(() => f.close());

    /** Delivers `count` messages one after another (so UIDs are 1..count); returns their ids in order. */
    async function fill(
      userId: string,
      count: number,
      target: (i: number) => Omit<DeliveryTarget, 'userId'> = () => ({}),
    ) {
      const ids: string[] = [];
      for (let i = 0; i < count; i += 1) {
        const { messageIds } = await deliverText(f.store, `msg ${i}`, [{ userId, ...target(i) }]);
        ids.push(messageIds[0] as string);
      }
      return ids;
    }

    const box = async (userId: string, name: string) =>
      (await f.store.listMailboxes(userId)).find((m) => m.name === name);

    it('creates the default mailboxes once, in order, with special-use and UIDVALIDITY', async () => {
      const user = await addUser(f);
      await f.store.createDefaultMailboxes(user);
      const boxes = await f.store.listMailboxes(user);
      expect(boxes.map((m) => [m.name, m.specialUse])).toEqual(
        DEFAULT_MAILBOXES.map((m) => [m.name, m.specialUse]),
      );
      const now = Math.floor(Date.now() / 1000);
      for (const m of boxes) {
        expect(m.uidValidity).toBeGreaterThan(now - 60);
        expect(m.uidValidity).toBeLessThanOrEqual(now);
        expect([m.uidNext, m.highestModseq, m.total, m.unread, m.size]).toEqual([1, 0, 0, 0, 0]);
      }
    });

    it('pages newest first over three pages with a stable cursor', async () => {
      const user = await addUser(f);
      const ids = await fill(user, 25);
      const pages = [];
      let cursor: string | undefined;
      do {
        const page = await f.store.listMessages(user, { mailbox: 'INBOX', limit: 10, cursor });
        pages.push(page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);

      expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
      const uids = pages.flat().map((m) => m.uid);
      expect(uids).toEqual(Array.from({ length: 25 }, (_, i) => 25 - i));
      expect(pages.flat().map((m) => m.id)).toEqual([...ids].reverse());
      // Exactly one page of 25 has no next cursor; a limit equal to the total says "no more".
      expect((await f.store.listMessages(user, { mailbox: 'INBOX', limit: 25 })).nextCursor).toBeNull();
    });

    it('pages over unread messages only', async () => {
      const user = await addUser(f);
      await fill(user, 20, (i) => ({ seen: i % 3 === 0 }));
      const unreadUids = Array.from({ length: 20 }, (_, i) => i)
        .filter((i) => i % 3 !== 0)
        .map((i) => i + 1)
        .reverse();
      const seenUids: number[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await f.store.listMessages(user, { mailbox: 'INBOX', unread: true, limit: 4, cursor });
        for (const m of page.items) expect(m.unread).toBe(true);
        seenUids.push(...page.items.map((m) => m.uid));
        cursor = page.nextCursor ?? undefined;
        pages += 1;
      } while (cursor);
      expect(seenUids).toEqual(unreadUids);
      expect(pages).toBe(Math.ceil(unreadUids.length / 4));
      // unread: false is the complement: only the read ones.
      const read = await f.store.listMessages(user, { mailbox: 'INBOX', unread: false, limit: 50 });
      expect(read.items.map((m) => m.uid)).toEqual([19, 16, 13, 10, 7, 4, 1]);
    });

    it('rejects malformed and foreign cursors, bad limits and unknown mailboxes', async () => {
      const user = await addUser(f);
      await fill(user, 3);
      const list = (options: { mailbox?: string; limit?: number; cursor?: string }) =>
        f.store.listMessages(user, { mailbox: 'INBOX', limit: 2, ...options });
      const sentPage = await deliverText(f.store, 'x', [{ userId: user, mailbox: 'Sent' }]).then(() =>
        f.store.listMessages(user, { mailbox: 'Sent', limit: 1 }),
      );
      const forged = Buffer.from(JSON.stringify({ m: 'x', u: 'DROP' })).toString('base64url');
      for (const cursor of ['not a cursor!', '', forged, 'e30', Buffer.from('[]').toString('base64url')]) {
        await expect(list({ cursor })).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
      }
      expect(sentPage.nextCursor).toBeNull();
      const inboxCursor = (await list({})).nextCursor as string;
      await expect(list({ mailbox: 'Sent', cursor: inboxCursor })).rejects.toMatchObject({
        code: 'INVALID_CURSOR',
      });
      await expect(list({ limit: 0 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      await expect(list({ mailbox: 'Nope' })).rejects.toMatchObject({ code: 'MAILBOX_NOT_FOUND' });
    });

    it('maps rows to summaries and hides other users’ messages', async () => {
      const [alice, bob] = [await addUser(f), await addUser(f)] as [string, string];
      const { messageIds, blob } = await deliverText(f.store, 'hello', [{ userId: alice }]);
      const m = await f.store.getMessage(alice, messageIds[0] as string);
      expect(m).toMatchObject({
        mailbox: 'INBOX',
        uid: 1,
        modseq: 1,
        unread: true,
        flagged: false,
        answered: false,
        draft: false,
        size: blob.size,
        blobId: blob.blobId,
        subject: 'hello',
        from: { name: 'Sender', address: 'sender@remote.test' },
        to: [{ name: 'To One', address: 'one@example.test' }],
        cc: [{ name: '', address: 'cc@example.test' }],
        date: Date.UTC(2024, 0, 2, 3, 4, 5),
        messageId: '<hello@remote.test>',
        hasAttachments: false,
      });
      await expect(f.store.getMessage(bob, m.id)).rejects.toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
      await expect(f.store.updateMessage(bob, m.id, { unread: false })).rejects.toMatchObject({
        code: 'MESSAGE_NOT_FOUND',
      });
      await expect(f.store.deleteMessage(bob, m.id)).rejects.toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
    });

    it('marks read and unread with modseq bumps and exact unread counters', async () => {
      const user = await addUser(f);
      const [id] = (await fill(user, 2)) as [string];
      const read = await f.store.updateMessage(user, id, { unread: false });
      expect([read.unread, read.modseq]).toEqual([false, 3]);
      expect(await box(user, 'INBOX')).toMatchObject({ unread: 1, total: 2, highestModseq: 3 });
      expect(await f.store.unreadCount(user)).toEqual({ unread: 1, total: 2 });

      // Setting what is already set changes nothing, not even the modseq.
      expect((await f.store.updateMessage(user, id, { unread: false })).modseq).toBe(3);
      const flagged = await f.store.updateMessage(user, id, { flagged: true });
      expect([flagged.flagged, flagged.unread, flagged.modseq]).toEqual([true, false, 4]);
      const unread = await f.store.updateMessage(user, id, { unread: true });
      expect([unread.unread, unread.modseq]).toEqual([true, 5]);
      expect(await box(user, 'INBOX')).toMatchObject({ unread: 2, total: 2, highestModseq: 5 });
      expect(await f.store.getMessage(user, id)).toMatchObject({ unread: true, flagged: true, modseq: 5 });
    });

    it('moves a message: same id, next UID of the destination, both mailboxes counted', async () => {
      const user = await addUser(f);
      const [first, second] = (await fill(user, 2)) as [string, string];
      const trashed = await deliverText(f.store, 'already in trash', [
        { userId: user, mailbox: 'Trash', seen: true },
      ]);
      const size = (await f.store.getMessage(user, first)).size;
      const moved = await f.store.updateMessage(user, first, { mailbox: 'Trash', unread: false });

      expect(moved).toMatchObject({ id: first, mailbox: 'Trash', uid: 2, unread: false });
      expect(await box(user, 'INBOX')).toMatchObject({ total: 1, unread: 1, size, uidNext: 3 });
      const trashSize = size + trashed.blob.size;
      expect(await box(user, 'Trash')).toMatchObject({ total: 2, unread: 0, size: trashSize, uidNext: 3 });
      expect(moved.modseq).toBe((await box(user, 'Trash'))?.highestModseq);
      const inbox = await f.store.listMessages(user, { mailbox: 'INBOX', limit: 10 });
      expect(inbox.items.map((m) => m.id)).toEqual([second]);
      // Moving does not change what the user stores.
      expect((await f.store.quota(user)).usedBytes).toBe(2 * size + trashed.blob.size);

      await expect(
        f.store.updateMessage(user, second, { mailbox: 'Nope', unread: false }),
      ).rejects.toMatchObject({
        code: 'MAILBOX_NOT_FOUND',
      });
      expect(await f.store.getMessage(user, second)).toMatchObject({
        mailbox: 'INBOX',
        unread: true,
        uid: 2,
      });
    });

    it('takes INBOX in any case (RFC 3501 §5.1), and only INBOX', async () => {
      const user = await addUser(f);
      const [id] = (await fill(user, 1)) as [string];
      const page = await f.store.listMessages(user, { mailbox: 'inbox', limit: 10 });
      expect(page.items.map((m) => [m.id, m.mailbox])).toEqual([[id, 'INBOX']]);
      // The message is already in the inbox: naming it in another case is no move (no new UID).
      const same = await f.store.updateMessage(user, id, { mailbox: 'Inbox' });
      expect(same).toMatchObject({ mailbox: 'INBOX', uid: 1 });
      expect(await f.store.updateMessage(user, id, { mailbox: 'Trash' })).toMatchObject({ mailbox: 'Trash' });
      expect(await f.store.updateMessage(user, id, { mailbox: 'iNbOx' })).toMatchObject({
        mailbox: 'INBOX',
        uid: 2,
      });
      await expect(f.store.listMessages(user, { mailbox: 'trash', limit: 1 })).rejects.toMatchObject({
        code: 'MAILBOX_NOT_FOUND',
      });
    });

    it('deletes: counters and quota freed, shared blob removed only with its last row', async () => {
      const [alice, bob] = [await addUser(f), await addUser(f)] as [string, string];
      const { messageIds, blob } = await deliverText(f.store, 'shared', [
        { userId: alice },
        { userId: bob, seen: true },
      ]);
      const [forAlice, forBob] = messageIds as [string, string];
      const stored = () => f.store.blobs.has(blob.blobId);
      expect((await f.store.quota(alice)).usedBytes).toBe(blob.size);

      await f.store.deleteMessage(alice, forAlice);
      expect(await f.store.quota(alice)).toEqual({ quotaBytes: 0, usedBytes: 0, messages: 0 });
      expect(await box(alice, 'INBOX')).toMatchObject({ total: 0, unread: 0, size: 0, highestModseq: 2 });
      expect(await stored()).toBe(true);
      await expect(f.store.getMessage(alice, forAlice)).rejects.toMatchObject({ code: 'MESSAGE_NOT_FOUND' });

      await f.store.deleteMessage(bob, forBob);
      expect(await stored()).toBe(false);
      expect((await f.store.quota(bob)).usedBytes).toBe(0);
      await expect(f.store.deleteMessage(bob, forBob)).rejects.toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
      await expect(f.store.quota(newId())).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    });

    it('releaseBlobs removes only bodies no row references', async () => {
      const [alice, bob] = [await addUser(f), await addUser(f)] as [string, string];
      const shared = await deliverText(f.store, 'shared', [{ userId: alice }, { userId: bob }]);
      const own = await deliverText(f.store, 'own', [{ userId: alice }]);
      // As the directory does when deleting a user: rows go first, then their blobs are released.
      await f.database.db.deleteFrom('messages').where('user_id', '=', alice).execute();
      await f.store.releaseBlobs([shared.blob.blobId, own.blob.blobId]);
      expect(await f.store.blobs.has(shared.blob.blobId)).toBe(true);
      expect(await f.store.blobs.has(own.blob.blobId)).toBe(false);
    });

    it('counts new mail only outside Sent, Drafts, Junk and Trash', async () => {
      const user = await addUser(f);
      // A user-made folder counts as new mail.
      await f.database.db
        .insertInto('mailboxes')
        .values({
          id: newId(),
          user_id: user,
          name: 'Projects',
          special_use: null,
          uid_validity: 1,
          uid_next: 1,
          highest_modseq: 0,
          total: 0,
          unread: 0,
          deleted: 0,
          size: 0,
          journal_floor: 0,
          created_at: Date.now(),
        })
        .execute();
      const to = (mailbox: string, seen = false) =>
        deliverText(f.store, mailbox, [{ userId: user, mailbox, seen }]);
      for (const name of ['INBOX', 'INBOX', 'Projects', 'Sent', 'Drafts', 'Junk', 'Trash', 'Junk'])
        await to(name);
      await to('INBOX', true);
      expect(await f.store.unreadCount(user)).toEqual({ unread: 3, total: 4 });
    });

    it('counts many users in one call', async () => {
      const users = await Promise.all(Array.from({ length: 12 }, () => addUser(f)));
      const expected = new Map<string, { unread: number; total: number }>();
      for (const [k, user] of users.entries()) {
        const unread = k % 4;
        await Promise.all([
          ...Array.from({ length: unread }, (_, i) => deliverText(f.store, `u${i}`, [{ userId: user }])),
          deliverText(f.store, 'read', [{ userId: user, seen: true }]),
          deliverText(f.store, 'spam', [{ userId: user, mailbox: 'Junk' }]),
        ]);
        expected.set(user, { unread, total: unread + 1 });
      }
      const stranger = newId();
      const counts = await f.store.unreadCounts([...users, stranger]);
      expect(counts.get(stranger)).toEqual({ unread: 0, total: 0 });
      for (const user of users) {
        expect(counts.get(user)).toEqual(expected.get(user));
        expect(await f.store.unreadCount(user)).toEqual(expected.get(user));
      }
      expect((await f.store.unreadCounts([])).size).toBe(0);
    });
  },
);
