import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { FLAG, type MailStore } from '../../store/index.js';
import type { MaildropEntry } from './maildrop.js';

/** The signed-in user of a session. */
export interface SessionUser {
  id: string;
  address: string;
}

/** INBOX as a session took it at sign-in. */
export interface MaildropSnapshot {
  mailboxId: string;
  /** In UID order (oldest first). */
  entries: MaildropEntry[];
}

/** Everything POP3 asks of the store, in one place (store/IMAP-API.md, "POP3"). */
export interface MailboxAccess {
  /** INBOX as it is now. */
  snapshot(userId: string): Promise<MaildropSnapshot>;
  /** A message's stored bytes, streamed; the stream errors with MESSAGE_NOT_FOUND when they are gone. */
  read(entry: MaildropEntry): Readable;
  /**
   * The UPDATE state (RFC 1939 §6): expunges `deleted` from the INBOX and
   * marks `seen` read, each in one journaled transaction. A message already
   * gone, or moved out of the INBOX since, is left as it is and not a
   * failure. Resolves how many could not be removed.
   */
  update(
    user: SessionUser,
    mailboxId: string,
    changes: { deleted: MaildropEntry[]; seen: MaildropEntry[] },
  ): Promise<number>;
}

export interface MailboxAccessDeps {
  store: Pick<MailStore, 'getMailbox' | 'fetchMessages' | 'expunge' | 'setFlags' | 'blobs'>;
  /** The directory's recipient cache holds used bytes for the RCPT quota check: told after a deletion. */
  usageChanged(userIds: readonly string[]): void;
  log: Logger;
}

/** {@link MailboxAccess} over the store's mailbox operations: the same expunge as IMAP and the REST API. */
export function createMailboxAccess(deps: MailboxAccessDeps): MailboxAccess {
  const { store, log } = deps;
  return {
    async snapshot(userId) {
      const inbox = await store.getMailbox(userId, 'INBOX');
      const entries: MaildropEntry[] = [];
      // Up to the UIDNEXT read first: a message that arrives meanwhile is not in this snapshot.
      if (inbox.uidNext > 1) {
        for await (const m of store.fetchMessages(userId, inbox.id, [[1, inbox.uidNext - 1]])) {
          entries.push({
            id: m.id,
            uid: m.uid,
            size: m.size,
            blobId: m.blobId,
            unread: (m.flags & FLAG.seen) === 0,
          });
        }
      }
      return { mailboxId: inbox.id, entries };
    },

    read: (entry) => store.blobs.read(entry.blobId),

    async update(user, mailboxId, { deleted, seen }) {
      let failed = 0;
      if (seen.length > 0) {
        await store
          .setFlags(
            user.id,
            mailboxId,
            seen.map((e) => e.uid),
            { mode: 'add', flags: FLAG.seen },
          )
          .catch((err: unknown) =>
            log.warn({ err, user: user.address }, 'pop3: could not mark messages read'),
          );
      }
      if (deleted.length > 0) {
        try {
          // By UID in the INBOX: a message moved away since has another UID (or mailbox) and stays.
          await store.expunge(user.id, mailboxId, {
            uids: deleted.map((e) => e.uid),
            ignoreDeletedFlag: true,
          });
        } catch (err) {
          log.warn({ err, user: user.address }, 'pop3: deleted messages could not be removed');
          failed = deleted.length;
        } finally {
          deps.usageChanged([user.id]);
        }
      }
      return failed;
    },
  };
}
