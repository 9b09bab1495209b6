import { AppError } from '../shared/index.js';
import type { Database } from './db.js';
import { flagStateOf } from './rows.js';
import { MAX_UID, scanMessages, toRanges } from './uid-set.js';
import type { FlagState, MailboxChanges } from './view-types.js';

/** Journal rows read per query. */
const JOURNAL_PAGE = 5000;

/**
 * What changed in a mailbox after `since` (RFC 7162 CHANGEDSINCE, QRESYNC,
 * a session's sync). The mailbox row is read first; its HIGHESTMODSEQ is
 * what the caller passes next time, and later changes read here too are
 * applied again then, harmlessly.
 *
 * Within the journal's reach (`since` ≥ the mailbox's floor) the journal
 * says which UIDs changed and which were expunged; the present ones are read
 * from the messages for their current flags. Below it, the present messages
 * with a modseq above `since` are found by scanning the mailbox, and only the
 * expunges still kept are known (`expungedComplete: false`).
 */
export async function changesSince(
  database: Database,
  userId: string,
  mailboxId: string,
  since: number,
): Promise<MailboxChanges> {
  if (!Number.isSafeInteger(since) || since < 0)
    throw new AppError('VALIDATION_FAILED', 'modseq must be a non-negative integer');
  const { db } = database;
  const box = await db
    .selectFrom('mailboxes')
    .select(['uid_validity', 'uid_next', 'highest_modseq', 'journal_floor'])
    .where('id', '=', mailboxId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!box) throw new AppError('MAILBOX_NOT_FOUND', 'mailbox not found');
  const out: MailboxChanges = {
    uidValidity: Number(box.uid_validity),
    uidNext: Number(box.uid_next),
    highestModseq: Number(box.highest_modseq),
    changed: [],
    expunged: [],
    expungedComplete: since >= Number(box.journal_floor),
  };
  if (since >= out.highestModseq) return out;

  const expunged = new Map<number, number>();
  const touched = new Set<number>();
  // Keyset paging on the primary key (modseq, uid): one STORE of a million messages is a million rows of one modseq.
  let at = { modseq: since, uid: Number.MAX_SAFE_INTEGER };
  for (;;) {
    const { modseq, uid } = at;
    const rows = await db
      .selectFrom('mail_changes')
      .select(['modseq', 'uid', 'kind'])
      .where('mailbox_id', '=', mailboxId)
      // `modseq >= ?` bounds the index range; without it SQLite scans every journal row of the
      // mailbox for the OR (bench/README.md "imap": 2 ms per command after a few thousand changes).
      .where('modseq', '>=', modseq)
      .where((eb) => eb.or([eb('modseq', '>', modseq), eb('uid', '>', uid)]))
      .orderBy('modseq')
      .orderBy('uid')
      .limit(JOURNAL_PAGE)
      .execute();
    for (const r of rows) {
      const u = Number(r.uid);
      if (r.kind === 'expunge') expunged.set(u, Number(r.modseq));
      else touched.add(u);
    }
    const last = rows.at(-1);
    if (rows.length < JOURNAL_PAGE || !last) break;
    at = { modseq: Number(last.modseq), uid: Number(last.uid) };
  }
  out.expunged = [...expunged].map(([uid, modseq]) => ({ uid, modseq })).sort((a, b) => a.uid - b.uid);

  const present: FlagState[] = [];
  if (out.expungedComplete) {
    const uids = [...touched].filter((u) => !expunged.has(u));
    for await (const page of scanMessages(db, mailboxId, toRanges(uids)))
      for (const r of page) if (Number(r.modseq) > since) present.push(flagStateOf(r));
  } else {
    for await (const page of scanMessages(db, mailboxId, [[1, MAX_UID]], { changedSince: since }))
      for (const r of page) present.push(flagStateOf(r));
  }
  out.changed = present;
  return out;
}

/**
 * Deletes journal rows written before `now - retentionMs`. Per mailbox, the
 * highest modseq among them becomes its floor first, then every row up to
 * it goes: `changesSince` below the floor knows it lacks expunges. One short
 * transaction per mailbox, so deliveries never wait long.
 */
export async function pruneJournal(
  database: Database,
  retentionMs: number,
  now = Date.now(),
): Promise<number> {
  const { db } = database;
  const old = await db
    .selectFrom('mail_changes')
    .select((eb) => ['mailbox_id', eb.fn.max('modseq').as('floor')])
    .where('at', '<', now - retentionMs)
    .groupBy('mailbox_id')
    .execute();
  let removed = 0;
  for (const { mailbox_id, floor } of old) {
    const upTo = Number(floor);
    removed += await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('mailboxes')
        .set({ journal_floor: upTo })
        .where('id', '=', mailbox_id)
        .where('journal_floor', '<', upTo)
        .execute();
      const result = await trx
        .deleteFrom('mail_changes')
        .where('mailbox_id', '=', mailbox_id)
        .where('modseq', '<=', upTo)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }
  return removed;
}
