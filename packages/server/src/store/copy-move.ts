import type { Transaction } from 'kysely';
import { newId } from '../shared/index.js';
import { addUsedBytes, type BoxDelta, journal, lockMailboxPair, updateMailbox } from './box-lock.js';
import { appendEvents, type NewEvent } from './event-log.js';
import { movedEvents, ownerAddress, rowNewEvent } from './mail-events.js';
import type { OpsDeps } from './ops-deps.js';
import type { DB, MailboxesTable, MessagesTable } from './schema.js';
import { scanMessages, toRanges, type UidRanges } from './uid-set.js';
import type { CopyResult, MoveResult, UidSet } from './view-types.js';

/** Message rows per INSERT: ~25 columns each, within SQLite's 32,766 bound parameters. */
const ROWS_PER_INSERT = 200;

/**
 * Only UIDs below the source's UIDNEXT as locked: a copy or move into the
 * same mailbox must not meet the messages it has just placed.
 */
const below = (ranges: UidRanges, uidNext: number): UidRanges =>
  ranges.filter(([a]) => a < uidNext).map(([a, b]) => [a, Math.min(b, uidNext - 1)]);

/** What a set of rows adds to a mailbox's counters. */
function sums(rows: MessagesTable[]): Required<Omit<BoxDelta, 'uids'>> {
  const d = { total: 0, unread: 0, deleted: 0, size: 0 };
  for (const r of rows) {
    d.total += 1;
    d.unread += r.seen ? 0 : 1;
    d.deleted += r.deleted ? 1 : 0;
    d.size += Number(r.size);
  }
  return d;
}

interface Placement {
  src: MailboxesTable;
  dst: MailboxesTable;
  /** The destination's new modseq (one for every message placed). */
  modseq: number;
  sourceUids: number[];
  destUids: number[];
  blobIds: string[];
  delta: Required<Omit<BoxDelta, 'uids'>>;
}

/** Walks the source's messages of `uids`, handing each page and its new UIDs to `place`. */
async function placeAll(
  trx: Transaction<DB>,
  deps: OpsDeps,
  userId: string,
  ids: { from: string; to: string },
  uids: UidSet,
  place: (page: MessagesTable[], newUids: number[], modseq: number, dst: MailboxesTable) => Promise<void>,
): Promise<Placement> {
  const [src, dst] = await lockMailboxPair(trx, deps.database.engine, userId, ids.from, ids.to);
  const modseq = Number(dst.highest_modseq) + 1;
  let next = Number(dst.uid_next);
  const out: Placement = {
    src,
    dst,
    modseq,
    sourceUids: [],
    destUids: [],
    blobIds: [],
    delta: { total: 0, unread: 0, deleted: 0, size: 0 },
  };
  for await (const page of scanMessages(trx, src.id, below(toRanges(uids), Number(src.uid_next)))) {
    const newUids = page.map(() => next++);
    await place(page, newUids, modseq, dst);
    for (const [i, r] of page.entries()) {
      out.sourceUids.push(Number(r.uid));
      out.destUids.push(newUids[i] as number);
      out.blobIds.push(r.blob_id);
    }
    const d = sums(page);
    for (const k of ['total', 'unread', 'deleted', 'size'] as const) out.delta[k] += d[k];
  }
  return out;
}

/** Tells `deps.placed` (after the commit) what a copy or move placed; a listener's failure is only logged. */
function tellPlaced(deps: OpsDeps, userId: string, kind: 'copy' | 'move', p: Placement): void {
  if (!deps.placed || p.blobIds.length === 0 || p.src.id === p.dst.id) return;
  try {
    deps.placed({
      userId,
      kind,
      from: { id: p.src.id, specialUse: p.src.special_use },
      to: { id: p.dst.id, specialUse: p.dst.special_use },
      blobIds: p.blobIds,
    });
  } catch (err) {
    deps.log?.error({ err, userId }, 'a copy/move listener failed');
  }
}

const newEntries = (p: Placement) => p.destUids.map((uid) => ({ uid, modseq: p.modseq }));

/**
 * COPY (RFC 9051 §6.4.7): new rows with new ids and UIDs, the same flags
 * and keywords, sharing the body (no bytes are copied). The user's used
 * bytes grow by every copy's size: QUOTA_EXCEEDED past the quota, and then
 * nothing is copied.
 */
export async function copyMessages(
  deps: OpsDeps,
  userId: string,
  fromMailboxId: string,
  uids: UidSet,
  toMailboxId: string,
): Promise<CopyResult> {
  const p = await deps.database.db.transaction().execute(async (trx) => {
    const events: NewEvent[] = [];
    let owner: string | undefined;
    const placed = await placeAll(
      trx,
      deps,
      userId,
      { from: fromMailboxId, to: toMailboxId },
      uids,
      async (page, newUids, modseq, dst) => {
        const rows = page.map((r, i) => ({
          ...r,
          id: newId(),
          mailbox_id: toMailboxId,
          uid: newUids[i] as number,
          modseq,
        }));
        owner ??= await ownerAddress(trx, userId);
        for (const row of rows) events.push(rowNewEvent(owner, dst.name, row));
        for (let i = 0; i < rows.length; i += ROWS_PER_INSERT)
          await trx
            .insertInto('messages')
            .values(rows.slice(i, i + ROWS_PER_INSERT))
            .execute();
      },
    );
    if (placed.destUids.length > 0) {
      await journal(trx, toMailboxId, 'new', newEntries(placed));
      await updateMailbox(trx, toMailboxId, placed.modseq, { ...placed.delta, uids: placed.destUids.length });
      await addUsedBytes(trx, userId, placed.delta.size, true);
      await appendEvents(trx, events);
    }
    return placed;
  });
  const highestModseq = p.destUids.length > 0 ? p.modseq : Number(p.dst.highest_modseq);
  if (p.destUids.length > 0) deps.notifier.publish(userId, toMailboxId, highestModseq);
  tellPlaced(deps, userId, 'copy', p);
  return {
    uidValidity: Number(p.dst.uid_validity),
    sourceUids: p.sourceUids,
    destUids: p.destUids,
    highestModseq,
  };
}

/**
 * MOVE (RFC 6851 §3.3): each message keeps its id and body and gets the
 * destination's next UID; the source journals its expunge, the destination
 * its arrival, in one transaction. Used bytes do not change.
 */
export async function moveMessages(
  deps: OpsDeps,
  userId: string,
  fromMailboxId: string,
  uids: UidSet,
  toMailboxId: string,
): Promise<MoveResult> {
  const same = fromMailboxId === toMailboxId;
  const p = await deps.database.db.transaction().execute(async (trx) => {
    const moved: Array<{ id: string; uid: number; newUid: number }> = [];
    const placed = await placeAll(
      trx,
      deps,
      userId,
      { from: fromMailboxId, to: toMailboxId },
      uids,
      async (page, newUids, modseq) => {
        for (const [i, r] of page.entries()) {
          moved.push({ id: r.id, uid: Number(r.uid), newUid: newUids[i] as number });
          await trx
            .updateTable('messages')
            .set({ mailbox_id: toMailboxId, uid: newUids[i] as number, modseq })
            .where('id', '=', r.id)
            .execute();
        }
      },
    );
    const n = placed.destUids.length;
    if (n === 0) return { placed, sourceModseq: Number(placed.src.highest_modseq) };
    // Into the same mailbox, one modseq serves both the expunge and the arrival.
    const sourceModseq = same ? placed.modseq : Number(placed.src.highest_modseq) + 1;
    const gone = placed.sourceUids.map((uid) => ({ uid, modseq: sourceModseq }));
    await journal(trx, fromMailboxId, 'expunge', gone);
    await journal(trx, toMailboxId, 'new', newEntries(placed));
    const { total, unread, deleted, size } = placed.delta;
    await updateMailbox(trx, fromMailboxId, sourceModseq, {
      total: -total,
      unread: -unread,
      deleted: -deleted,
      size: -size,
    });
    await updateMailbox(trx, toMailboxId, placed.modseq, { ...placed.delta, uids: n });
    const owner = await ownerAddress(trx, userId);
    await appendEvents(trx, movedEvents(owner, placed.src.name, placed.dst.name, moved));
    return { placed, sourceModseq };
  });
  const { placed } = p;
  const moved = placed.destUids.length > 0;
  const highestModseq = moved ? placed.modseq : Number(placed.dst.highest_modseq);
  if (moved) {
    deps.notifier.publish(userId, fromMailboxId, p.sourceModseq);
    if (!same) deps.notifier.publish(userId, toMailboxId, highestModseq);
  }
  tellPlaced(deps, userId, 'move', placed);
  return {
    uidValidity: Number(placed.dst.uid_validity),
    sourceUids: placed.sourceUids,
    destUids: placed.destUids,
    highestModseq,
    sourceModseq: p.sourceModseq,
  };
}
