import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { MailService } from '../../mail/index.js';
import { isAppError } from '../../shared/index.js';
import type { MailStore } from '../../store/index.js';
import type { MaildropEntry } from './maildrop.js';

/** The signed-in user of a session. */
export interface SessionUser {
  id: string;
  address: string;
}

/**
 * Everything POP3 asks of the store, in one place: when the store's
 * expunge and change journal land, this file is the only one to change.
 */
export interface MailboxAccess {
  /** INBOX as it is now, in UID order (oldest first). */
  snapshot(userId: string): Promise<MaildropEntry[]>;
  /** A message's stored bytes, streamed; the stream errors with MESSAGE_NOT_FOUND when they are gone. */
  read(entry: MaildropEntry): Readable;
  /**
   * The UPDATE state (RFC 1939 §6): removes `deleted` and marks `seen` read.
   * A message already gone, or moved out of INBOX since, is left as it is
   * and not a failure. Resolves how many could not be removed.
   */
  update(user: SessionUser, changes: { deleted: MaildropEntry[]; seen: MaildropEntry[] }): Promise<number>;
}

export interface MailboxAccessDeps {
  store: Pick<MailStore, 'listMessages' | 'getMessage' | 'blobs'>;
  /** Deletions and flag changes go through the mail service, the one path that keeps counters, quota and the recipient cache exact. */
  mail: Pick<MailService, 'deleteMessage' | 'updateMessage'>;
  log: Logger;
}

/** Rows per page while a snapshot is read: bounded memory per query on a large INBOX. */
const SNAPSHOT_PAGE = 1000;

const gone = (err: unknown) => isAppError(err) && err.code === 'MESSAGE_NOT_FOUND';

/** {@link MailboxAccess} over today's store: paged listing, blob streams, deletion message by message. */
export function createMailboxAccess(deps: MailboxAccessDeps): MailboxAccess {
  const { store, mail, log } = deps;

  /** Deletes one message if it is still in INBOX; false when that failed. */
  async function remove(user: SessionUser, entry: MaildropEntry): Promise<boolean> {
    try {
      // A message the user moved to another folder since sign-in is no longer POP3's to delete.
      const now = await store.getMessage(user.id, entry.id);
      if (now.mailbox !== 'INBOX') return true;
      await mail.deleteMessage(user.address, entry.id);
      return true;
    } catch (err) {
      if (gone(err)) return true;
      log.warn(
        { err, user: user.address, message: entry.id },
        'pop3: a deleted message could not be removed',
      );
      return false;
    }
  }

  return {
    async snapshot(userId) {
      const entries: MaildropEntry[] = [];
      let cursor: string | undefined;
      do {
        // Newest first, page by page: a message that arrives meanwhile has a higher UID than the
        // first page's and is simply not in this snapshot.
        const page = await store.listMessages(userId, { mailbox: 'INBOX', limit: SNAPSHOT_PAGE, cursor });
        for (const m of page.items)
          entries.push({ id: m.id, size: m.size, blobId: m.blobId, unread: m.unread });
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return entries.reverse();
    },

    read: (entry) => store.blobs.read(entry.blobId),

    async update(user, { deleted, seen }) {
      let failed = 0;
      for (const entry of deleted) if (!(await remove(user, entry))) failed++;
      for (const entry of seen) {
        await mail.updateMessage(user.address, entry.id, { unread: false }).catch((err: unknown) => {
          if (!gone(err))
            log.warn({ err, user: user.address, message: entry.id }, 'pop3: could not mark read');
        });
      }
      return failed;
    },
  };
}
