import { AppError } from '../shared/index.js';
import type { Database } from './db.js';
import type { Executor } from './mailboxes.js';
import { toSummary } from './rows.js';
import { decodeSyncToken, encodeSyncToken, type FolderPosition, type SyncState } from './sync-token.js';
import type { MessageSummary } from './types.js';

/** What changed in a user's whole mailbox since a sync token: `MailStore.mailboxDelta`. */
export interface MailboxDelta {
  /** Messages that arrived in a folder: new mail, appends, copies, and moves (a move keeps the id: upsert by id). */
  added: MessageSummary[];
  /** Messages whose flags or keywords changed. */
  updated: MessageSummary[];
  /** Ids of messages that no longer exist (may name one the client never saw: ignore it). */
  removed: string[];
  /** Pass as `since` next time. */
  token: string;
  /** More changes are waiting: call again at once with `token`. */
  hasMore: boolean;
}

const IDS_PER_QUERY = 500;

const expired = (why: string) => new AppError('SYNC_TOKEN_EXPIRED', `sync token expired (${why}); resync`);

/** Whether the journal no longer holds every row after `p` (retention raised the folder's floor past it). */
function beyondJournal(p: FolderPosition, floor: number): boolean {
  return p.uid === null ? p.modseq < floor : p.modseq <= floor;
}

/** Collected while reading: each message id once, with what happened to it. */
interface Seen {
  kinds: Map<string, 'added' | 'updated'>;
  gone: Set<string>;
}

/**
 * Delta sync over every folder of a user (RFC 7162's CONDSTORE/QRESYNC idea
 * for the whole mailbox at once): without `since`, every present message is
 * listed as `added`; with it, the change journal of each folder is read from
 * the token's position. At most about `limit` messages per call; `hasMore`
 * says to call again. The token is a position in each folder's journal, so a
 * change committed while this runs is read now or next time, never lost
 * (reading one twice is harmless: clients upsert by id).
 *
 * SYNC_TOKEN_EXPIRED (410) when a folder of the token was deleted or
 * recreated (UIDVALIDITY), or its journal was pruned past the position
 * (`journalRetentionMs`): the caller starts again without `since`.
 */
export async function mailboxDelta(
  database: Database,
  userId: string,
  options: { since?: string; limit: number },
): Promise<MailboxDelta> {
  const { db } = database;
  const state: SyncState = options.since === undefined ? new Map() : decodeSyncToken(options.since);
  const boxes = await db
    .selectFrom('mailboxes')
    .select(['id', 'uid_validity', 'highest_modseq', 'journal_floor'])
    .where('user_id', '=', userId)
    .orderBy('id')
    .execute();
  const present = new Set(boxes.map((b) => b.id));
  for (const id of state.keys()) if (!present.has(id)) throw expired('a folder was deleted');
  const seen: Seen = { kinds: new Map(), gone: new Set() };
  let budget = options.limit;
  let hasMore = false;
  for (const box of boxes) {
    let pos = state.get(box.id);
    if (pos && pos.uidValidity !== Number(box.uid_validity)) throw expired('a folder was recreated');
    // A folder the token does not know is listed whole, then followed from where it stood before the listing.
    pos ??= {
      uidValidity: Number(box.uid_validity),
      modseq: Number(box.highest_modseq),
      uid: null,
      listedUpTo: 0,
    };
    if (beyondJournal(pos, Number(box.journal_floor)))
      throw expired('the change journal no longer reaches it');
    state.set(box.id, pos);
    const idle = pos.listedUpTo === undefined && pos.uid === null && pos.modseq >= Number(box.highest_modseq);
    if (idle) continue;
    if (budget <= 0) {
      hasMore = true;
      continue;
    }
    const step = pos.listedUpTo === undefined ? readJournal : listFolder;
    const { used, next, cut } = await step(db, box.id, pos, budget, seen);
    state.set(box.id, next);
    budget -= used;
    hasMore ||= cut;
  }
  return { ...(await resolve(db, userId, seen)), token: encodeSyncToken(state), hasMore };
}

interface Step {
  used: number;
  next: FolderPosition;
  /** The folder has more to read than the budget allowed. */
  cut: boolean;
}

/** One page of a folder's present messages, ascending UID, all `added`. */
async function listFolder(
  db: Executor,
  boxId: string,
  pos: FolderPosition,
  budget: number,
  seen: Seen,
): Promise<Step> {
  const rows = await db
    .selectFrom('messages')
    .select(['id', 'uid'])
    .where('mailbox_id', '=', boxId)
    .where('uid', '>', pos.listedUpTo ?? 0)
    .orderBy('uid')
    .limit(budget + 1)
    .execute();
  const page = rows.slice(0, budget);
  for (const r of page) seen.kinds.set(r.id, 'added');
  const cut = rows.length > budget;
  const { listedUpTo: _, ...rest } = pos;
  const next = cut ? { ...pos, listedUpTo: Number(page.at(-1)?.uid ?? 0) } : rest;
  return { used: page.length, next, cut };
}

/** One page of a folder's journal after `pos`, in the journal's key order (modseq, uid). */
async function readJournal(
  db: Executor,
  boxId: string,
  pos: FolderPosition,
  budget: number,
  seen: Seen,
): Promise<Step> {
  const { modseq, uid } = pos;
  let query = db
    .selectFrom('mail_changes')
    .select(['modseq', 'uid', 'kind', 'message_id'])
    .where('mailbox_id', '=', boxId);
  query =
    uid === null
      ? query.where('modseq', '>', modseq)
      : query
          .where('modseq', '>=', modseq)
          .where((eb) => eb.or([eb('modseq', '>', modseq), eb('uid', '>', uid)]));
  const rows = await query
    .orderBy('modseq')
    .orderBy('uid')
    .limit(budget + 1)
    .execute();
  const page = rows.slice(0, budget);
  const last = page.at(-1);
  if (!last) return { used: 0, next: pos, cut: false };
  const touched = new Map<number, 'added' | 'updated'>();
  for (const r of page) {
    if (r.kind === 'expunge') {
      // Only rows from before the column existed lack the id, and no token reaches back to them.
      if (!r.message_id) throw expired('the change journal predates delta sync');
      seen.gone.add(r.message_id);
    } else if (r.kind === 'new') touched.set(Number(r.uid), 'added');
    else if (!touched.has(Number(r.uid))) touched.set(Number(r.uid), 'updated');
  }
  await idsOfUids(db, boxId, touched, seen);
  const cut = rows.length > budget;
  // Every row of one modseq commits in one transaction, so after a whole read the modseq alone is the position.
  const next = { ...pos, modseq: Number(last.modseq), uid: cut ? Number(last.uid) : null };
  return { used: page.length, next, cut };
}

/** Maps journaled UIDs to the ids of the messages still there (one moved away since is its move's expunge). */
async function idsOfUids(db: Executor, boxId: string, touched: Map<number, 'added' | 'updated'>, seen: Seen) {
  const uids = [...touched.keys()];
  for (let i = 0; i < uids.length; i += IDS_PER_QUERY) {
    const rows = await db
      .selectFrom('messages')
      .select(['id', 'uid'])
      .where('mailbox_id', '=', boxId)
      .where('uid', 'in', uids.slice(i, i + IDS_PER_QUERY))
      .execute();
    for (const r of rows) {
      const kind = touched.get(Number(r.uid)) ?? 'updated';
      if (seen.kinds.get(r.id) !== 'added') seen.kinds.set(r.id, kind);
    }
  }
}

/**
 * Reads every message named once, now: present ones with their current state
 * (an expunged id still present was moved: it arrived elsewhere, `added`),
 * absent ones `removed`. Reading last makes each id appear once, as it is now.
 */
async function resolve(
  db: Executor,
  userId: string,
  seen: Seen,
): Promise<Omit<MailboxDelta, 'token' | 'hasMore'>> {
  const ids = [...new Set([...seen.kinds.keys(), ...seen.gone])];
  const out: Omit<MailboxDelta, 'token' | 'hasMore'> = { added: [], updated: [], removed: [] };
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
    const rows = await db
      .selectFrom('messages')
      .innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id')
      .selectAll('messages')
      .select('mailboxes.name as mailbox_name')
      .where('messages.user_id', '=', userId)
      .where('messages.id', 'in', ids.slice(i, i + IDS_PER_QUERY))
      .execute();
    for (const r of rows) {
      found.add(r.id);
      (seen.kinds.get(r.id) === 'updated' ? out.updated : out.added).push(toSummary(r));
    }
  }
  for (const id of ids) if (!found.has(id)) out.removed.push(id);
  return out;
}
