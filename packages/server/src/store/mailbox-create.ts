/**
 * Mailboxes by name: look-up, create (RFC 9051 §6.3.4) with missing parents,
 * subscriptions (§6.3.7-8) and the UIDVALIDITY rule. Rename and delete are in
 * `mailbox-rename.ts`.
 */
import type { Transaction } from 'kysely';
import { AppError, codeChain, newId } from '../shared/index.js';
import { appendEvents } from './event-log.js';
import { mailboxEvent, ownerAddress } from './mail-events.js';
import { checkMailboxName, mailboxName, parentNames } from './mailbox-names.js';
import { type Executor, toMailbox } from './mailboxes.js';
import type { OpsDeps } from './ops-deps.js';
import type { DB, MailboxesTable } from './schema.js';
import type { Mailbox } from './types.js';
import type { CreateMailboxOptions } from './view-types.js';

/** Special uses a mailbox can be created with (RFC 6154 §2; `\All` and `\Flagged` are virtual). */
export const CREATABLE_SPECIAL_USES: readonly string[] = [
  '\\Archive',
  '\\Drafts',
  '\\Junk',
  '\\Sent',
  '\\Trash',
];

/** Most mailboxes one user may have: far above real folder trees, a bound on abuse. */
export const MAX_MAILBOXES_PER_USER = 10_000;

/** Whether a database error is a unique-key violation (a concurrent create of the same name). */
const isUniqueViolation = (e: unknown) =>
  codeChain(e).some(
    (c) => c === '23505' || c === 'SQLITE_CONSTRAINT_UNIQUE' || c === 'SQLITE_CONSTRAINT_PRIMARYKEY',
  );

export const mailboxExists = (name: string) =>
  new AppError('MAILBOX_EXISTS', `mailbox ${name} already exists`);

/** Runs `fn` in a transaction; a unique violation (a concurrent create of `name`) is MAILBOX_EXISTS. */
export async function inTransaction<T>(
  deps: OpsDeps,
  name: string,
  fn: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  try {
    return await deps.database.db.transaction().execute(fn);
  } catch (e) {
    if (isUniqueViolation(e)) throw mailboxExists(name);
    throw e;
  }
}

/**
 * Reserves `count` UIDVALIDITY values for new mailboxes of the user: above
 * every value the user's mailboxes ever had (`users.mail_uid_validity`, and
 * the current ones), and at least the time in seconds, so a name used again
 * never meets its old value (RFC 9051 §2.3.1.1). Locks the users row.
 */
async function reserveUidValidity(trx: Transaction<DB>, userId: string, count: number, now: number) {
  const max = await trx
    .selectFrom('mailboxes')
    .select((eb) => eb.fn.max('uid_validity').as('m'))
    .where('user_id', '=', userId)
    .executeTakeFirst();
  const floor = Math.max(Math.floor(now / 1000), Number(max?.m ?? 0) + 1);
  const user = await trx
    .updateTable('users')
    .set((eb) => ({
      mail_uid_validity: eb
        .case()
        .when('mail_uid_validity', '>=', floor)
        .then(eb('mail_uid_validity', '+', count))
        .else(floor + count - 1)
        .end(),
    }))
    .where('id', '=', userId)
    .returning('mail_uid_validity')
    .executeTakeFirst();
  if (!user) throw new AppError('USER_NOT_FOUND');
  return Number(user.mail_uid_validity) - count + 1;
}

/** The user's mailboxes by name (a user has few: one query). */
export async function mailboxesByName(ex: Executor, userId: string): Promise<Map<string, MailboxesTable>> {
  const rows = await ex.selectFrom('mailboxes').selectAll().where('user_id', '=', userId).execute();
  return new Map(rows.map((r) => [r.name, r]));
}

/**
 * Inserts mailboxes `wanted` (in order) and the missing parents of each,
 * outermost first, each with a fresh UIDVALIDITY. `existing` is updated.
 */
export async function insertMailboxes(
  trx: Transaction<DB>,
  userId: string,
  existing: Map<string, MailboxesTable>,
  wanted: ReadonlyArray<{ name: string; specialUse?: string | null; from?: Partial<MailboxesTable> }>,
  now: number,
): Promise<MailboxesTable[]> {
  const plan: Array<{ name: string; specialUse: string | null; from?: Partial<MailboxesTable> }> = [];
  const planned = new Set<string>();
  for (const w of wanted) {
    for (const p of parentNames(w.name))
      if (!existing.has(p) && !planned.has(p)) {
        plan.push({ name: p, specialUse: null });
        planned.add(p);
      }
    plan.push({ name: w.name, specialUse: w.specialUse ?? null, from: w.from });
    planned.add(w.name);
  }
  if (existing.size + plan.length > MAX_MAILBOXES_PER_USER)
    throw new AppError('MAILBOX_LIMIT', `a user can have at most ${MAX_MAILBOXES_PER_USER} mailboxes`);
  if (plan.length === 0) return [];
  const first = await reserveUidValidity(trx, userId, plan.length, now);
  const rows = plan.map(
    (p, i): MailboxesTable => ({
      id: newId(now),
      user_id: userId,
      name: p.name,
      special_use: p.specialUse,
      uid_validity: first + i,
      uid_next: 1,
      highest_modseq: 0,
      total: 0,
      unread: 0,
      deleted: 0,
      size: 0,
      journal_floor: 0,
      created_at: now,
      ...p.from,
    }),
  );
  await trx.insertInto('mailboxes').values(rows).execute();
  for (const r of rows) existing.set(r.name, r);
  return rows;
}

/** Whether the user subscribes to `name`. */
async function isSubscribed(ex: Executor, userId: string, name: string): Promise<boolean> {
  const row = await ex
    .selectFrom('mailbox_subscriptions')
    .select('name')
    .where('user_id', '=', userId)
    .where('name', '=', name)
    .executeTakeFirst();
  return !!row;
}

/** One of the user's mailboxes by name or id; MAILBOX_NOT_FOUND when absent. */
export async function getMailbox(
  ex: Executor,
  userId: string,
  by: { name: string } | { id: string },
): Promise<Mailbox> {
  let q = ex.selectFrom('mailboxes').selectAll().where('user_id', '=', userId);
  q = 'name' in by ? q.where('name', '=', mailboxName(by.name)) : q.where('id', '=', by.id);
  const row = await q.executeTakeFirst();
  if (!row)
    throw new AppError(
      'MAILBOX_NOT_FOUND',
      'name' in by ? `mailbox ${by.name} not found` : 'mailbox not found',
    );
  return toMailbox(row, await isSubscribed(ex, userId, row.name));
}

/** CREATE, with CREATE-SPECIAL-USE (RFC 6154 §3) and, optionally, a subscription. */
export async function createMailbox(
  deps: OpsDeps,
  userId: string,
  name: string,
  options: CreateMailboxOptions = {},
): Promise<Mailbox> {
  const stored = checkMailboxName(name);
  const use = options.specialUse ?? null;
  if (use !== null && !CREATABLE_SPECIAL_USES.includes(use))
    throw new AppError('SPECIAL_USE_INVALID', `special use ${use} cannot be given to a mailbox`);
  const now = Date.now();
  const created = await inTransaction(deps, stored, async (trx) => {
    const names = await mailboxesByName(trx, userId);
    if (names.has(stored)) throw mailboxExists(stored);
    if (use !== null && [...names.values()].some((m) => m.special_use === use))
      throw new AppError('SPECIAL_USE_INVALID', `another mailbox already has the special use ${use}`);
    const rows = await insertMailboxes(trx, userId, names, [{ name: stored, specialUse: use }], now);
    if (options.subscribe) await subscribe(trx, userId, stored);
    const owner = await ownerAddress(trx, userId);
    await appendEvents(
      trx,
      rows.map((r) => mailboxEvent('mailbox.created', owner, { mailbox: r.name })),
    );
    return rows;
  });
  for (const r of created) deps.notifier.publish(userId, r.id, 0);
  return getMailbox(deps.database.db, userId, { name: stored });
}

async function subscribe(ex: Executor, userId: string, name: string): Promise<void> {
  await ex
    .insertInto('mailbox_subscriptions')
    .values({ user_id: userId, name })
    .onConflict((oc) => oc.columns(['user_id', 'name']).doNothing())
    .execute();
}

/** SUBSCRIBE / UNSUBSCRIBE: any valid name, existing or not (RFC 9051 §6.3.7). */
export async function setSubscribed(deps: OpsDeps, userId: string, name: string, on: boolean): Promise<void> {
  const stored = on ? checkMailboxName(name) : mailboxName(name);
  const { db } = deps.database;
  if (on) await subscribe(db, userId, stored);
  else
    await db
      .deleteFrom('mailbox_subscriptions')
      .where('user_id', '=', userId)
      .where('name', '=', stored)
      .execute();
}

/** The subscribed names, sorted. */
export async function listSubscriptions(deps: OpsDeps, userId: string): Promise<string[]> {
  const rows = await deps.database.db
    .selectFrom('mailbox_subscriptions')
    .select('name')
    .where('user_id', '=', userId)
    .execute();
  return rows.map((r) => r.name).sort();
}
