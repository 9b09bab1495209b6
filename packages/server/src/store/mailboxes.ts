import type { Kysely, Transaction } from 'kysely';
import { AppError, newId } from '../shared/index.js';
import { mailboxName } from './mailbox-names.js';
import type { DB, MailboxesTable } from './schema.js';
import { DEFAULT_MAILBOXES, type Mailbox, NOT_NEW_MAIL } from './types.js';

/** Anything queries can run on: the database or an open transaction. */
export type Executor = Kysely<DB> | Transaction<DB>;

/**
 * Inserts INBOX, Sent, Drafts, Junk and Trash for `userId`. Safe to repeat:
 * existing mailboxes are kept as they are (their UIDVALIDITY must not change).
 * Takes an executor so the directory can create a user and their mailboxes in one transaction.
 */
export async function insertDefaultMailboxes(
  executor: Executor,
  userId: string,
  now = Date.now(),
): Promise<void> {
  // RFC 3501 §2.3.1.1: UIDVALIDITY is a 32-bit value; seconds since the epoch fit until 2106.
  const uidValidity = Math.floor(now / 1000);
  await executor
    .insertInto('mailboxes')
    .values(
      DEFAULT_MAILBOXES.map((m) => ({
        id: newId(now),
        user_id: userId,
        name: m.name,
        special_use: m.specialUse,
        uid_validity: uidValidity,
        uid_next: 1,
        highest_modseq: 0,
        total: 0,
        unread: 0,
        deleted: 0,
        size: 0,
        journal_floor: 0,
        created_at: now,
      })),
    )
    .onConflict((oc) => oc.columns(['user_id', 'name']).doNothing())
    .execute();
  await executor
    .insertInto('mailbox_subscriptions')
    .values(DEFAULT_MAILBOXES.map((m) => ({ user_id: userId, name: m.name })))
    .onConflict((oc) => oc.columns(['user_id', 'name']).doNothing())
    .execute();
}

/** Maps a row to the API shape (counters are numbers on both engines; see db.ts). */
export function toMailbox(row: MailboxesTable, subscribed: boolean): Mailbox {
  return {
    id: row.id,
    name: row.name,
    specialUse: row.special_use,
    uidValidity: Number(row.uid_validity),
    uidNext: Number(row.uid_next),
    highestModseq: Number(row.highest_modseq),
    total: Number(row.total),
    unread: Number(row.unread),
    deleted: Number(row.deleted),
    size: Number(row.size),
    subscribed,
  };
}

const DEFAULT_ORDER = new Map<string, number>(DEFAULT_MAILBOXES.map((m, i) => [m.name, i]));

/** The user's subscribed names. */
export async function subscribedNames(executor: Executor, userId: string): Promise<Set<string>> {
  const rows = await executor
    .selectFrom('mailbox_subscriptions')
    .select('name')
    .where('user_id', '=', userId)
    .execute();
  return new Set(rows.map((r) => r.name));
}

/** The user's mailboxes: the default five in their usual order, then the others by name. */
export async function listMailboxes(executor: Executor, userId: string): Promise<Mailbox[]> {
  const rows = await executor.selectFrom('mailboxes').selectAll().where('user_id', '=', userId).execute();
  const subscribed = await subscribedNames(executor, userId);
  const rank = (name: string) => DEFAULT_ORDER.get(name) ?? DEFAULT_ORDER.size;
  rows.sort((a, b) => rank(a.name) - rank(b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return rows.map((r) => toMailbox(r, subscribed.has(r.name)));
}

/** The id of the user's mailbox called `name`; MAILBOX_NOT_FOUND when it does not exist. */
export async function mailboxId(executor: Executor, userId: string, name: string): Promise<string> {
  const row = await executor
    .selectFrom('mailboxes')
    .select('id')
    .where('user_id', '=', userId)
    .where('name', '=', mailboxName(name))
    .executeTakeFirst();
  if (!row) throw new AppError('MAILBOX_NOT_FOUND', `mailbox ${name} not found`);
  return row.id;
}

const IDS_PER_QUERY = 10_000;

export interface Counts {
  unread: number;
  total: number;
}

/**
 * Unread and total per user, summed from the mailbox counters (never from
 * message rows) over every mailbox except those in NOT_NEW_MAIL. One query
 * per call (per 10,000 ids); every requested id is in the result, with zeros when it has no mailboxes.
 */
export async function countsByUser(
  executor: Executor,
  userIds: readonly string[],
): Promise<Map<string, Counts>> {
  const result = new Map<string, Counts>(userIds.map((id) => [id, { unread: 0, total: 0 }]));
  const ids = [...result.keys()];
  // Bound parameters are limited (SQLite 32766, PostgreSQL 65535); a portal page never comes close.
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
    const rows = await executor
      .selectFrom('mailboxes')
      .select((eb) => [
        'user_id',
        eb.fn.sum<number | string>('unread').as('unread'),
        eb.fn.sum<number | string>('total').as('total'),
      ])
      .where('user_id', 'in', ids.slice(i, i + IDS_PER_QUERY))
      .where('name', 'not in', [...NOT_NEW_MAIL])
      .groupBy('user_id')
      .execute();
    // PostgreSQL's sum(bigint) is numeric, which pg returns as a string.
    for (const r of rows) result.set(r.user_id, { unread: Number(r.unread), total: Number(r.total) });
  }
  return result;
}
