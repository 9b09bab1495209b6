import { AppError } from '../shared/index.js';
import { copyMessages, moveMessages } from './copy-move.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { expunge } from './expunge.js';
import { setFlags } from './flag-ops.js';
import { normalizeKeywords } from './flags.js';
import { getMailbox } from './mailbox-create.js';
import { mailboxName } from './mailbox-names.js';
import { type Executor, mailboxId } from './mailboxes.js';
import type { OpsDeps } from './ops-deps.js';
import { bitsOf, keywordsOf, type MessageRow, recordOf, toSummary } from './rows.js';
import type { ListMessagesOptions, MessagePatch, MessageSummary } from './types.js';
import { scanMessages, toRanges } from './uid-set.js';
import { FLAG, type FlagBits, type MessageRecord, type UidSet } from './view-types.js';

/** What the message operations need. */
export type MessagesDeps = OpsDeps;

const withMailboxName = (ex: Executor) =>
  ex
    .selectFrom('messages')
    .innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id')
    .selectAll('messages')
    .select('mailboxes.name as mailbox_name');

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

/** A message's row by id, with its mailbox name; MESSAGE_NOT_FOUND for another user's. */
async function findMessage(deps: OpsDeps, userId: string, id: string): Promise<MessageRow> {
  const row = await withMailboxName(deps.database.db)
    .where('messages.id', '=', id)
    .where('messages.user_id', '=', userId)
    .executeTakeFirst();
  if (!row) throw new AppError('MESSAGE_NOT_FOUND');
  return row;
}

/** Tries to apply a change to a message found by id, again if it moved or changed meanwhile. */
async function withRetry<T>(
  deps: OpsDeps,
  userId: string,
  id: string,
  attempt: (row: MessageRow) => Promise<T | undefined>,
): Promise<T> {
  for (let i = 0; i < 5; i += 1) {
    const done = await attempt(await findMessage(deps, userId, id));
    if (done !== undefined) return done;
  }
  throw new AppError('UNAVAILABLE', 'the message keeps changing; try again');
}

/** The flags a patch asks for, from the row's current ones. */
function patchedFlags(row: MessageRow, patch: MessagePatch): { flags: FlagBits; keywords: string[] } {
  let bits = bitsOf(row);
  const set = (bit: FlagBits, on: boolean | undefined) => {
    if (on !== undefined) bits = on ? bits | bit : bits & ~bit;
  };
  set(FLAG.seen, patch.unread === undefined ? undefined : !patch.unread);
  set(FLAG.flagged, patch.flagged);
  set(FLAG.answered, patch.answered);
  set(FLAG.draft, patch.draft);
  set(FLAG.deleted, patch.deleted);
  return {
    flags: bits,
    keywords: patch.keywords ? normalizeKeywords(patch.keywords) : keywordsOf(row.keywords),
  };
}

/**
 * Applies flag, keyword and mailbox changes through `setFlags` and
 * `moveMessages`, so the journal and the notifier see them as they see
 * IMAP's. The flags are replaced only if the message did not change since
 * it was read (UNCHANGEDSINCE); otherwise it is read again. A no-op patch
 * changes nothing (no new modseq).
 */
export async function updateMessage(
  deps: OpsDeps,
  userId: string,
  id: string,
  patch: MessagePatch,
): Promise<MessageSummary> {
  const keywords = patch.keywords ? normalizeKeywords(patch.keywords) : undefined;
  const target =
    patch.mailbox === undefined
      ? undefined
      : await getMailbox(deps.database.db, userId, { name: patch.mailbox });
  await withRetry(deps, userId, id, async (row) => {
    const wanted = patchedFlags(row, { ...patch, keywords });
    const same =
      wanted.flags === bitsOf(row) && wanted.keywords.join(' ') === keywordsOf(row.keywords).join(' ');
    if (same) return true;
    const uid = Number(row.uid);
    const change = { mode: 'replace' as const, ...wanted, unchangedSince: Number(row.modseq) };
    const result = await setFlags(deps, userId, row.mailbox_id, [uid], change);
    return result.messages.length === 1 ? true : undefined;
  });
  if (target) {
    await withRetry(deps, userId, id, async (row) => {
      if (row.mailbox_id === target.id) return true;
      const moved = await moveMessages(deps, userId, row.mailbox_id, [Number(row.uid)], target.id);
      return moved.destUids.length === 1 ? true : undefined;
    });
  }
  return toSummary(await findMessage(deps, userId, id));
}

/** Copies a message into the mailbox called `mailbox` (new id and UID, same flags and body); returns the copy. */
export async function copyMessage(
  deps: OpsDeps,
  userId: string,
  id: string,
  mailbox: string,
): Promise<MessageSummary> {
  const target = await getMailbox(deps.database.db, userId, { name: mailbox });
  const copy = await withRetry(deps, userId, id, async (row) => {
    const result = await copyMessages(deps, userId, row.mailbox_id, [Number(row.uid)], target.id);
    return result.destUids[0];
  });
  const row = await withMailboxName(deps.database.db)
    .where('messages.mailbox_id', '=', target.id)
    .where('messages.uid', '=', copy)
    .executeTakeFirst();
  if (!row) throw new AppError('MESSAGE_NOT_FOUND');
  return toSummary(row);
}

/**
 * Deletes a message at once (its `\Deleted` flag aside) through `expunge`:
 * journaled, counters and used bytes moved, the body removed once no row
 * references it, after the commit.
 */
export async function deleteMessage(deps: OpsDeps, userId: string, id: string): Promise<void> {
  await withRetry(deps, userId, id, async (row) => {
    const result = await expunge(deps, userId, row.mailbox_id, {
      uids: [Number(row.uid)],
      ignoreDeletedFlag: true,
    });
    return result.uids.length === 1 ? true : undefined;
  });
}

/** FETCH's rows: the messages of `uids` that exist, ascending UID, read a page at a time. */
export async function* fetchMessages(
  deps: OpsDeps,
  userId: string,
  mailboxId: string,
  uids: UidSet,
  options: { changedSince?: number } = {},
): AsyncGenerator<MessageRecord> {
  const ranges = toRanges(uids);
  const { db } = deps.database;
  // The ownership check: a mailbox id of another user reads as absent.
  await getMailbox(db, userId, { id: mailboxId });
  for await (const page of scanMessages(db, mailboxId, ranges, { changedSince: options.changedSince }))
    for (const row of page) yield recordOf(row);
}
