/**
 * The pieces every mail-changing transaction is made of: lock a mailbox row
 * (the lock order is mailboxes in id order, then users — the committer's), write the
 * journal rows of the change, then move the mailbox's counters and modseq.
 */
import type { Transaction } from 'kysely';
import { AppError } from '../shared/index.js';
import type { Engine } from './db.js';
import type { ChangeKind, DB, MailboxesTable } from './schema.js';

/** Journal rows per INSERT: 5 parameters each, far below both engines' limits. */
const CHANGES_PER_INSERT = 500;

/**
 * Reads the user's mailbox `mailboxId` and holds it for the transaction:
 * `FOR UPDATE` on PostgreSQL (other nodes and connections may write); on
 * SQLite the transaction already holds the database's write lock (BEGIN IMMEDIATE).
 * MAILBOX_NOT_FOUND when it is gone or not the user's.
 */
export async function lockMailbox(
  trx: Transaction<DB>,
  engine: Engine,
  userId: string,
  mailboxId: string,
): Promise<MailboxesTable> {
  let q = trx.selectFrom('mailboxes').selectAll().where('id', '=', mailboxId).where('user_id', '=', userId);
  if (engine === 'postgres') q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw new AppError('MAILBOX_NOT_FOUND', 'mailbox not found');
  return row;
}

/** Locks two mailboxes in id order (so two moves in opposite directions cannot deadlock). */
export async function lockMailboxPair(
  trx: Transaction<DB>,
  engine: Engine,
  userId: string,
  a: string,
  b: string,
): Promise<[MailboxesTable, MailboxesTable]> {
  if (a === b) {
    const row = await lockMailbox(trx, engine, userId, a);
    return [row, row];
  }
  const [first, second] = a < b ? [a, b] : [b, a];
  const x = await lockMailbox(trx, engine, userId, first);
  const y = await lockMailbox(trx, engine, userId, second);
  return a < b ? [x, y] : [y, x];
}

/** Journals `uids` of one mailbox as `kind` at `modseq`. */
export async function journal(
  trx: Transaction<DB>,
  mailboxId: string,
  kind: ChangeKind,
  entries: ReadonlyArray<{ uid: number; modseq: number; messageId?: string }>,
  at = Date.now(),
): Promise<void> {
  for (let i = 0; i < entries.length; i += CHANGES_PER_INSERT) {
    const rows = entries.slice(i, i + CHANGES_PER_INSERT).map((e) => ({
      mailbox_id: mailboxId,
      modseq: e.modseq,
      uid: e.uid,
      kind,
      at,
      message_id: e.messageId ?? null,
    }));
    await trx.insertInto('mail_changes').values(rows).execute();
  }
}

/** Changes to a mailbox's counters (each may be negative). */
export interface BoxDelta {
  total?: number;
  unread?: number;
  deleted?: number;
  size?: number;
  /** UIDs handed out (uid_next grows by this). */
  uids?: number;
}

/** Sets the mailbox's HIGHESTMODSEQ and applies `delta` to its counters. */
export async function updateMailbox(
  trx: Transaction<DB>,
  mailboxId: string,
  highestModseq: number,
  delta: BoxDelta,
): Promise<void> {
  await trx
    .updateTable('mailboxes')
    .set((eb) => ({
      highest_modseq: highestModseq,
      uid_next: eb('uid_next', '+', delta.uids ?? 0),
      total: eb('total', '+', delta.total ?? 0),
      unread: eb('unread', '+', delta.unread ?? 0),
      deleted: eb('deleted', '+', delta.deleted ?? 0),
      size: eb('size', '+', delta.size ?? 0),
    }))
    .where('id', '=', mailboxId)
    .execute();
}

/**
 * Adds `bytes` (negative to free) to the user's used bytes. With `quota`
 * checking, QUOTA_EXCEEDED when growing past a non-zero quota; the users row
 * is locked by the update, after the mailboxes (the store's lock order).
 */
export async function addUsedBytes(
  trx: Transaction<DB>,
  userId: string,
  bytes: number,
  checkQuota = false,
): Promise<void> {
  if (bytes === 0) return;
  const row = await trx
    .updateTable('users')
    .set((eb) => ({ used_bytes: eb('used_bytes', '+', bytes) }))
    .where('id', '=', userId)
    .returning(['used_bytes', 'quota_bytes'])
    .executeTakeFirst();
  if (!row) throw new AppError('USER_NOT_FOUND');
  const quota = Number(row.quota_bytes);
  if (checkQuota && bytes > 0 && quota > 0 && Number(row.used_bytes) > quota)
    throw new AppError('QUOTA_EXCEEDED', 'the mailbox quota would be exceeded');
}
