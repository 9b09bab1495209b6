import type { Transaction } from 'kysely';
import { AppError } from '../shared/index.js';
import type { Logger } from '../telemetry/index.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { Database } from './db.js';
import { type Executor, mailboxId, mailboxName } from './mailboxes.js';
import { releaseBlobs } from './release.js';
import { type MessageRow, toSummary } from './rows.js';
import type { DB } from './schema.js';
import type { BlobStore, ListMessagesOptions, MessagePatch, MessageSummary } from './types.js';

/** What the message operations need; passed in, never module state. */
export interface MessagesDeps {
  database: Database;
  blobs: BlobStore;
  log?: Logger;
}

const withMailboxName = (ex: Executor) =>
  ex
    .selectFrom('messages')
    .innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id')
    .selectAll('messages')
    .select('mailboxes.name as mailbox_name');

/** 1 when a row with `seen` counts as unread, else 0: the unread counter's unit. */
const unreadOf = (seen: number) => (seen ? 0 : 1);

/**
 * Reads one of the user's messages inside a transaction. On PostgreSQL the
 * row is locked (other nodes may change it); SQLite has one writer already.
 * Messages are locked before mailboxes and users, the order every store transaction uses.
 */
async function lockMessage(
  trx: Transaction<DB>,
  deps: MessagesDeps,
  userId: string,
  id: string,
): Promise<MessageRow> {
  let query = withMailboxName(trx).where('messages.id', '=', id).where('messages.user_id', '=', userId);
  if (deps.database.engine === 'postgres') query = query.forUpdate('messages');
  const row = await query.executeTakeFirst();
  if (!row) throw new AppError('MESSAGE_NOT_FOUND');
  return row;
}

/**
 * One page of a mailbox, newest first. The cursor carries the last UID shown,
 * so pages stay stable while mail arrives or is read between requests.
 */
export async function listMessages(
  deps: MessagesDeps,
  userId: string,
  options: ListMessagesOptions,
): Promise<{ items: MessageSummary[]; nextCursor: string | null }> {
  const { limit } = options;
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new AppError('VALIDATION_FAILED', 'limit must be a positive integer');
  const db = deps.database.db;
  const name = mailboxName(options.mailbox);
  const boxId = await mailboxId(db, userId, name);
  let query = db.selectFrom('messages').selectAll().where('mailbox_id', '=', boxId);
  // With `unread` set, (mailbox_id, seen, uid) serves filter and order; otherwise the (mailbox_id, uid) key does.
  if (options.unread !== undefined) query = query.where('seen', '=', options.unread ? 0 : 1);
  if (options.cursor !== undefined) query = query.where('uid', '<', decodeCursor(options.cursor, boxId));
  const rows = await query
    .orderBy('uid', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => toSummary({ ...r, mailbox_name: name })),
    nextCursor:
      rows.length > limit && last ? encodeCursor({ mailboxId: boxId, uid: Number(last.uid) }) : null,
  };
}

/** One of the user's messages; another user's id is MESSAGE_NOT_FOUND, never a hint that it exists. */
export async function getMessage(deps: MessagesDeps, userId: string, id: string): Promise<MessageSummary> {
  const row = await withMailboxName(deps.database.db)
    .where('messages.id', '=', id)
    .where('messages.user_id', '=', userId)
    .executeTakeFirst();
  if (!row) throw new AppError('MESSAGE_NOT_FOUND');
  return toSummary(row);
}

/** Flag change in place: a new modseq (RFC 7162 §3.1) and the unread counter adjusted. */
async function setFlags(
  trx: Transaction<DB>,
  row: MessageRow,
  seen: number,
  flagged: number,
): Promise<MessageRow> {
  const box = await trx
    .updateTable('mailboxes')
    .set((eb) => ({
      highest_modseq: eb('highest_modseq', '+', 1),
      unread: eb('unread', '+', unreadOf(seen) - unreadOf(row.seen)),
    }))
    .where('id', '=', row.mailbox_id)
    .returning('highest_modseq')
    .executeTakeFirstOrThrow();
  const modseq = Number(box.highest_modseq);
  await trx.updateTable('messages').set({ seen, flagged, modseq }).where('id', '=', row.id).execute();
  return { ...row, seen, flagged, modseq };
}

/**
 * Moves a message: it leaves the source (an expunge there, so a modseq bump)
 * and gets the next UID of the destination, keeping its id and blob.
 * Both mailbox rows are updated in id order so concurrent moves cannot deadlock.
 */
async function move(
  trx: Transaction<DB>,
  row: MessageRow,
  to: { id: string; name: string },
  seen: number,
  flagged: number,
) {
  let placed: { uid: number; modseq: number } | undefined;
  for (const id of [row.mailbox_id, to.id].sort()) {
    const leaving = id === row.mailbox_id;
    const sign = leaving ? -1 : 1;
    const box = await trx
      .updateTable('mailboxes')
      .set((eb) => ({
        uid_next: eb('uid_next', '+', leaving ? 0 : 1),
        highest_modseq: eb('highest_modseq', '+', 1),
        total: eb('total', '+', sign),
        unread: eb('unread', '+', sign * unreadOf(leaving ? row.seen : seen)),
        size: eb('size', '+', sign * Number(row.size)),
      }))
      .where('id', '=', id)
      .returning(['uid_next', 'highest_modseq'])
      .executeTakeFirstOrThrow();
    if (!leaving) placed = { uid: Number(box.uid_next) - 1, modseq: Number(box.highest_modseq) };
  }
  const { uid, modseq } = placed as { uid: number; modseq: number };
  await trx
    .updateTable('messages')
    .set({ mailbox_id: to.id, uid, modseq, seen, flagged })
    .where('id', '=', row.id)
    .execute();
  return { ...row, mailbox_id: to.id, mailbox_name: to.name, uid, modseq, seen, flagged };
}

/** Applies read/flag changes and an optional move in one transaction; a no-op patch changes nothing. */
export async function updateMessage(
  deps: MessagesDeps,
  userId: string,
  id: string,
  patch: MessagePatch,
): Promise<MessageSummary> {
  const updated = await deps.database.db.transaction().execute(async (trx) => {
    const row = await lockMessage(trx, deps, userId, id);
    const seen = patch.unread === undefined ? row.seen : patch.unread ? 0 : 1;
    const flagged = patch.flagged === undefined ? row.flagged : patch.flagged ? 1 : 0;
    const target = patch.mailbox === undefined ? undefined : mailboxName(patch.mailbox);
    if (target !== undefined && target !== row.mailbox_name) {
      const to = { id: await mailboxId(trx, userId, target), name: target };
      return move(trx, row, to, seen, flagged);
    }
    if (seen === row.seen && flagged === row.flagged) return row;
    return setFlags(trx, row, seen, flagged);
  });
  return toSummary(updated);
}

/**
 * Deletes a message with its counters and the user's used bytes, then removes
 * the blob once no row references it (one blob can serve several recipients).
 * The blob goes only after the commit, so a rolled-back delete never loses a body.
 */
export async function deleteMessage(deps: MessagesDeps, userId: string, id: string): Promise<void> {
  const { db } = deps.database;
  const row = await db.transaction().execute(async (trx) => {
    const found = await lockMessage(trx, deps, userId, id);
    await trx.deleteFrom('messages').where('id', '=', found.id).execute();
    await trx
      .updateTable('mailboxes')
      .set((eb) => ({
        highest_modseq: eb('highest_modseq', '+', 1),
        total: eb('total', '-', 1),
        unread: eb('unread', '-', unreadOf(found.seen)),
        size: eb('size', '-', Number(found.size)),
      }))
      .where('id', '=', found.mailbox_id)
      .execute();
    await trx
      .updateTable('users')
      .set((eb) => ({ used_bytes: eb('used_bytes', '-', Number(found.size)) }))
      .where('id', '=', userId)
      .execute();
    return found;
  });
  await releaseBlobs(deps, [row.blob_id]);
}
