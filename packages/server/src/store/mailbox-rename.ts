/** RENAME (RFC 9051 §6.3.6) and DELETE (§6.3.5) of mailboxes. */
import { sql, type Transaction } from 'kysely';
import { AppError } from '../shared/index.js';
import { addUsedBytes } from './box-lock.js';
import { appendEvents } from './event-log.js';
import { mailboxEvent, ownerAddress } from './mail-events.js';
import {
  getMailbox,
  insertMailboxes,
  inTransaction,
  mailboxExists,
  mailboxesByName,
} from './mailbox-create.js';
import { checkMailboxName, isWithin, mailboxName, parentNames } from './mailbox-names.js';
import type { OpsDeps } from './ops-deps.js';
import { releaseBlobs } from './release.js';
import type { DB, MailboxesTable } from './schema.js';
import { DEFAULT_MAILBOXES, type Mailbox } from './types.js';

const PROTECTED = new Set<string>(DEFAULT_MAILBOXES.map((m) => m.name));

const protectedError = (name: string) =>
  new AppError('MAILBOX_PROTECTED', `mailbox ${name} cannot be deleted or renamed`);

const notFound = (name: string) => new AppError('MAILBOX_NOT_FOUND', `mailbox ${name} not found`);

/** Re-reads a mailbox row under the transaction's lock (FOR UPDATE on PostgreSQL). */
async function lockByName(trx: Transaction<DB>, deps: OpsDeps, userId: string, name: string) {
  let q = trx.selectFrom('mailboxes').selectAll().where('user_id', '=', userId).where('name', '=', name);
  if (deps.database.engine === 'postgres') q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw notFound(name);
  return row;
}

/** Renames the subscriptions of `pairs` (old name → new name) that exist. */
async function renameSubscriptions(trx: Transaction<DB>, userId: string, pairs: Array<[string, string]>) {
  for (const [from, to] of pairs) {
    const gone = await trx
      .deleteFrom('mailbox_subscriptions')
      .where('user_id', '=', userId)
      .where('name', '=', from)
      .executeTakeFirst();
    if (Number(gone.numDeletedRows) === 0) continue;
    await trx
      .insertInto('mailbox_subscriptions')
      .values({ user_id: userId, name: to })
      .onConflict((oc) => oc.columns(['user_id', 'name']).doNothing())
      .execute();
  }
}

/**
 * RENAME of INBOX (RFC 9051 §6.3.6): a new mailbox `to` takes INBOX's
 * messages with their UIDs, modseqs and counters (and so INBOX's UIDNEXT and
 * HIGHESTMODSEQ); INBOX journals their expunge under a new modseq and stays,
 * empty, with its UIDVALIDITY and UIDNEXT (its UIDs are never used again).
 * INBOX's children keep their names. Set-based: three statements however
 * many messages.
 */
async function renameInbox(deps: OpsDeps, userId: string, to: string, now: number) {
  return inTransaction(deps, to, async (trx) => {
    const inbox = await lockByName(trx, deps, userId, 'INBOX');
    const names = await mailboxesByName(trx, userId);
    if (names.has(to)) throw mailboxExists(to);
    const from: Partial<MailboxesTable> = {
      uid_next: inbox.uid_next,
      highest_modseq: inbox.highest_modseq,
      total: inbox.total,
      unread: inbox.unread,
      deleted: inbox.deleted,
      size: inbox.size,
    };
    const created = await insertMailboxes(trx, userId, names, [{ name: to, from }], now);
    const target = created.at(-1) as MailboxesTable;
    const modseq = Number(inbox.highest_modseq) + 1;
    // Explicit casts: PostgreSQL types a parameter in a SELECT list as text.
    await sql`insert into mail_changes (mailbox_id, modseq, uid, kind, at)
      select ${inbox.id}, cast(${modseq} as bigint), uid, 'expunge', cast(${now} as bigint)
      from messages where mailbox_id = ${inbox.id}`.execute(trx);
    await sql`insert into mail_changes (mailbox_id, modseq, uid, kind, at)
      select ${target.id}, modseq, uid, 'new', cast(${now} as bigint)
      from messages where mailbox_id = ${inbox.id}`.execute(trx);
    await trx
      .updateTable('messages')
      .set({ mailbox_id: target.id })
      .where('mailbox_id', '=', inbox.id)
      .execute();
    await trx
      .updateTable('mailboxes')
      .set({ highest_modseq: modseq, total: 0, unread: 0, deleted: 0, size: 0 })
      .where('id', '=', inbox.id)
      .execute();
    // `to` is the last created; the others are its missing parents.
    const owner = await ownerAddress(trx, userId);
    await appendEvents(trx, [
      ...created.slice(0, -1).map((r) => mailboxEvent('mailbox.created', owner, { mailbox: r.name })),
      mailboxEvent('mailbox.renamed', owner, { from: 'INBOX', to }),
    ]);
    return { created, inbox: { id: inbox.id, modseq } };
  });
}

/** RENAME of any other mailbox: it and every mailbox under it get the new prefix; ids, UIDs and UIDVALIDITY stay. */
async function renameTree(deps: OpsDeps, userId: string, from: string, to: string, now: number) {
  return inTransaction(deps, to, async (trx) => {
    await lockByName(trx, deps, userId, from);
    const names = await mailboxesByName(trx, userId);
    const tree = [...names.values()].filter((m) => isWithin(m.name, from));
    const renamed = tree.map((m): [MailboxesTable, string] => [m, to + m.name.slice(from.length)]);
    for (const [, name] of renamed) if (names.has(name)) throw mailboxExists(name);
    for (const [m, name] of renamed) {
      await trx.updateTable('mailboxes').set({ name }).where('id', '=', m.id).execute();
      names.delete(m.name);
    }
    for (const [m, name] of renamed) names.set(name, { ...m, name });
    // `to`'s missing parents are made; `to` itself now exists.
    const missing = parentNames(to).filter((p) => !names.has(p));
    const created = await insertMailboxes(
      trx,
      userId,
      names,
      missing.map((p) => ({ name: p })),
      now,
    );
    await renameSubscriptions(
      trx,
      userId,
      renamed.map(([m, name]) => [m.name, name]),
    );
    const owner = await ownerAddress(trx, userId);
    await appendEvents(trx, [
      ...renamed.map(([m, name]) => mailboxEvent('mailbox.renamed', owner, { from: m.name, to: name })),
      ...created.map((r) => mailboxEvent('mailbox.created', owner, { mailbox: r.name })),
    ]);
    return { created, renamed: renamed.map(([m]) => m.id) };
  });
}

/** RENAME (RFC 9051 §6.3.6); returns the mailbox now called `to`. */
export async function renameMailbox(
  deps: OpsDeps,
  userId: string,
  fromName: string,
  toName: string,
): Promise<Mailbox> {
  const from = mailboxName(fromName);
  const to = checkMailboxName(toName);
  const now = Date.now();
  const { notifier } = deps;
  if (from === 'INBOX') {
    const { created, inbox } = await renameInbox(deps, userId, to, now);
    notifier.publish(userId, inbox.id, inbox.modseq);
    for (const r of created) notifier.publish(userId, r.id, 0);
  } else {
    if (PROTECTED.has(from)) throw protectedError(from);
    if (isWithin(to, from))
      throw new AppError('MAILBOX_NAME_INVALID', `mailbox ${from} cannot be renamed into itself`);
    const { created, renamed } = await renameTree(deps, userId, from, to, now);
    for (const id of renamed) notifier.publish(userId, id, 0);
    for (const r of created) notifier.publish(userId, r.id, 0);
  }
  return getMailbox(deps.database.db, userId, { name: to });
}

/**
 * DELETE (RFC 9051 §6.3.5): the mailbox, its messages and journal, its
 * share of the used bytes; bodies no other message references are removed
 * after the commit. The default mailboxes are MAILBOX_PROTECTED; one with
 * children is MAILBOX_HAS_CHILDREN (no `\Noselect` placeholders are kept).
 * The subscription stays (RFC 9051 §6.3.10 keeps names subscribed).
 */
export async function deleteMailbox(deps: OpsDeps, userId: string, name: string): Promise<void> {
  const stored = mailboxName(name);
  if (PROTECTED.has(stored)) throw protectedError(stored);
  const { blobIds, id } = await deps.database.db.transaction().execute(async (trx) => {
    const box = await lockByName(trx, deps, userId, stored);
    const names = await mailboxesByName(trx, userId);
    if ([...names.keys()].some((n) => n !== stored && isWithin(n, stored)))
      throw new AppError('MAILBOX_HAS_CHILDREN', `mailbox ${stored} has child mailboxes; delete them first`);
    const blobs = await trx
      .selectFrom('messages')
      .select('blob_id')
      .distinct()
      .where('mailbox_id', '=', box.id)
      .execute();
    await trx.deleteFrom('messages').where('mailbox_id', '=', box.id).execute();
    await trx.deleteFrom('mail_changes').where('mailbox_id', '=', box.id).execute();
    await trx.deleteFrom('mailboxes').where('id', '=', box.id).execute();
    await addUsedBytes(trx, userId, -Number(box.size));
    const owner = await ownerAddress(trx, userId);
    await appendEvents(trx, [
      mailboxEvent('mailbox.deleted', owner, { mailbox: box.name, messages: Number(box.total) }),
    ]);
    return { blobIds: blobs.map((b) => b.blob_id), id: box.id };
  });
  deps.notifier.publish(userId, id, 0);
  await releaseBlobs(deps, blobIds);
}
