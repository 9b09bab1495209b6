import { join } from 'node:path';
import { AppError } from '../shared/index.js';
import type { Logger } from '../telemetry/index.js';
import { append } from './append.js';
import { createBlobStore } from './blobs.js';
import { type BodyStore, createBodyStore, DEFAULT_INLINE_BODY_MAX_BYTES } from './bodies.js';
import { changesSince, pruneJournal } from './changes.js';
import { type CommitStats, createCommitter } from './commit.js';
import { createThreadCommitter } from './commit-thread.js';
import { copyMessages, moveMessages } from './copy-move.js';
import type { Database } from './db.js';
import { expunge } from './expunge.js';
import { setFlags } from './flag-ops.js';
import { createMailbox, getMailbox, listSubscriptions, setSubscribed } from './mailbox-create.js';
import { deleteMailbox, renameMailbox } from './mailbox-rename.js';
import { countsByUser, insertDefaultMailboxes, listMailboxes } from './mailboxes.js';
import {
  copyMessage,
  deleteMessage,
  fetchMessages,
  getMessage,
  listMessages,
  updateMessage,
} from './messages.js';
import { createMemoryNotifier } from './notifier.js';
import type { OpsDeps } from './ops-deps.js';
import { type BlobSweepResult, releaseBlobs, sweepUnreferencedBlobs } from './release.js';
import type { MailNotifier, MailStore, Placed } from './types.js';
import { loadUidList } from './uid-list.js';

export interface MailStoreOptions {
  /** An open database from `openDatabase`; the caller that opened it closes it. */
  database: Database;
  /** The install's data directory; blobs live in `<dataDir>/blobs`. */
  dataDir: string;
  /** Most deliveries per group commit; default 64. */
  maxBatch?: number;
  /** Largest body stored in the database rather than a file; 0 = files only. Default 128 KiB. */
  inlineBodyMaxBytes?: number;
  /** Told after every committed change; default an in-process `createMemoryNotifier()`. */
  notifier?: MailNotifier;
  /** Told after each committed copy or move (spam learning from Junk moves); must not block. */
  onMessagesPlaced?: OpsDeps['placed'];
  /**
   * How long change-journal rows are kept (ms); default JOURNAL_RETENTION_MS
   * (30 days). A client asking about an older modseq gets `expungedComplete: false`.
   */
  journalRetentionMs?: number;
  log?: Logger;
}

/** Default journal retention: 30 days, longer than clients stay offline and resync with QRESYNC. */
export const JOURNAL_RETENTION_MS = 30 * 24 * 3600 * 1000;

/** The mail store with its body store and group-commit counters (for metrics and tests). */
export interface LocalMailStore extends MailStore {
  readonly blobs: BodyStore;
  readonly commitStats: Readonly<CommitStats>;
  /**
   * Removes the bodies of these blobs that no message references any more;
   * for callers that delete rows themselves (the directory, deleting a user).
   */
  releaseBlobs(blobIds: readonly string[]): Promise<void>;
  /** Removes the bodies (files and rows) and temp files a crash left behind (see `sweepUnreferencedBlobs`). */
  sweepBlobs(signal?: AbortSignal): Promise<BlobSweepResult>;
}

/**
 * Builds the mail store over an open database, which also holds the small
 * bodies, and the body files under `<dataDir>/blobs`. New messages go through
 * one group committer; reads and per-message changes run their own short
 * transactions.
 */
export function createMailStore(options: MailStoreOptions): LocalMailStore {
  const log = options.log?.child({ component: 'store' });
  const { database } = options;
  const files = createBlobStore({ dir: join(options.dataDir, 'blobs'), log });
  const blobs = createBodyStore({
    database,
    files,
    inlineMaxBytes: options.inlineBodyMaxBytes ?? DEFAULT_INLINE_BODY_MAX_BYTES,
  });
  const maxBatch = Math.max(1, options.maxBatch ?? 64);
  // SQLite: the committer gets a thread and a connection of its own (see commit-worker.ts).
  const committer = database.file
    ? createThreadCommitter({
        file: database.file,
        blobDir: files.root,
        maxBatch,
        log,
        onCommitted: () => database.bell.ring(),
      })
    : createCommitter({ database, blobs: files, maxBatch, log });
  const notifier = options.notifier ?? createMemoryNotifier(log);
  const deps: OpsDeps = { database, blobs, log, notifier, placed: options.onMessagesPlaced };
  const retention = options.journalRetentionMs ?? JOURNAL_RETENTION_MS;
  const { db } = database;

  return {
    blobs,
    notifier,
    commitStats: committer.stats,
    async deliver(input) {
      const delivered = await committer.submit(input);
      // Each mailbox once, at its highest modseq of this delivery.
      const latest = new Map<string, Placed>();
      for (const p of delivered.placed) latest.set(p.mailboxId, p);
      for (const p of latest.values()) notifier.publish(p.userId, p.mailboxId, p.modseq);
      return delivered;
    },
    append: (input) => append(deps, input),
    createDefaultMailboxes: (userId) => insertDefaultMailboxes(db, userId),
    listMailboxes: (userId) => listMailboxes(db, userId),
    getMailbox: (userId, name) => getMailbox(db, userId, { name }),
    getMailboxById: (userId, id) => getMailbox(db, userId, { id }),
    createMailbox: (userId, name, createOptions) => createMailbox(deps, userId, name, createOptions),
    renameMailbox: (userId, from, to) => renameMailbox(deps, userId, from, to),
    deleteMailbox: (userId, name) => deleteMailbox(deps, userId, name),
    setSubscribed: (userId, name, on) => setSubscribed(deps, userId, name, on),
    listSubscriptions: (userId) => listSubscriptions(deps, userId),
    loadUidList: (userId, id, listOptions) => loadUidList(deps, userId, id, listOptions),
    changesSince: (userId, id, modseq) => changesSince(database, userId, id, modseq),
    fetchMessages: (userId, id, uids, fetchOptions) => fetchMessages(deps, userId, id, uids, fetchOptions),
    setFlags: (userId, id, uids, change) => setFlags(deps, userId, id, uids, change),
    copyMessages: (userId, from, uids, to) => copyMessages(deps, userId, from, uids, to),
    moveMessages: (userId, from, uids, to) => moveMessages(deps, userId, from, uids, to),
    expunge: (userId, id, expungeOptions) => expunge(deps, userId, id, expungeOptions),
    copyMessage: (userId, id, mailbox) => copyMessage(deps, userId, id, mailbox),
    pruneJournal: (now) => pruneJournal(database, retention, now),
    listMessages: (userId, listOptions) => listMessages(deps, userId, listOptions),
    getMessage: (userId, id) => getMessage(deps, userId, id),
    updateMessage: (userId, id, patch) => updateMessage(deps, userId, id, patch),
    deleteMessage: (userId, id) => deleteMessage(deps, userId, id),
    async authResultsOf(blobId) {
      const row = await db
        .selectFrom('message_auth_results')
        .select('results')
        .where('blob_id', '=', blobId)
        .executeTakeFirst();
      return row?.results ?? null;
    },
    async filterResultOf(blobId) {
      const row = await db
        .selectFrom('message_filter_results')
        .selectAll()
        .where('blob_id', '=', blobId)
        .executeTakeFirst();
      return row ?? null;
    },
    async unreadCount(userId) {
      return (await countsByUser(db, [userId])).get(userId) ?? { unread: 0, total: 0 };
    },
    unreadCounts: (userIds) => countsByUser(db, userIds),
    async quota(userId) {
      const row = await db
        .selectFrom('users')
        .select(['quota_bytes', 'used_bytes'])
        .where('id', '=', userId)
        .executeTakeFirst();
      if (!row) throw new AppError('USER_NOT_FOUND');
      const count = await db
        .selectFrom('mailboxes')
        .select((eb) => eb.fn.sum<number | string>('total').as('n'))
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return {
        quotaBytes: Number(row.quota_bytes),
        usedBytes: Number(row.used_bytes),
        // PostgreSQL's sum(bigint) is numeric (a string); no mailboxes gives null.
        messages: Number(count?.n ?? 0),
      };
    },
    releaseBlobs: (blobIds) => releaseBlobs(deps, blobIds),
    sweepBlobs: (signal) => sweepUnreferencedBlobs({ database, files, log }, Date.now, signal),
    close: () => committer.close(),
  };
}
