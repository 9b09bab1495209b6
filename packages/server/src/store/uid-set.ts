import { AppError } from '../shared/index.js';
import type { Executor } from './mailboxes.js';
import type { MessagesTable } from './schema.js';
import type { UidSet } from './view-types.js';

/** The largest UID: RFC 9051 §2.3.1.1 makes UIDs 32-bit. */
export const MAX_UID = 0xffff_ffff;

/** Inclusive ranges, ascending and disjoint. */
export type UidRanges = Array<[number, number]>;

const checkUid = (n: number) => {
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_UID)
    throw new AppError('VALIDATION_FAILED', `invalid UID ${n}`);
  return n;
};

/** Sorts and merges a `UidSet` into ascending, disjoint ranges; a reversed range (`5:3`) is the same as `3:5` (RFC 9051 §9 seq-range). */
export function toRanges(set: UidSet): UidRanges {
  const ranges: UidRanges = set.map((item) => {
    if (typeof item === 'number') return [checkUid(item), item];
    const a = checkUid(item[0]);
    const b = checkUid(item[1]);
    return a <= b ? [a, b] : [b, a];
  });
  ranges.sort((x, y) => x[0] - y[0]);
  const merged: UidRanges = [];
  for (const r of ranges) {
    const last = merged.at(-1);
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/** Whether `uid` is in `ranges` (binary search). */
export function inRanges(ranges: UidRanges, uid: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = ranges[mid] as [number, number];
    if (uid < a) hi = mid - 1;
    else if (uid > b) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Rows per page when a UID set is scanned. */
export const PAGE_ROWS = 1000;

/** Narrows a scan: only `\Deleted` messages, or only those changed after a modseq. */
export interface ScanFilter {
  deletedOnly?: boolean;
  changedSince?: number;
}

function filtered(ex: Executor, mailboxId: string, filter: ScanFilter) {
  let q = ex.selectFrom('messages').selectAll().where('mailbox_id', '=', mailboxId);
  if (filter.deletedOnly) q = q.where('deleted', '=', 1);
  if (filter.changedSince !== undefined) q = q.where('modseq', '>', filter.changedSince);
  return q;
}

/**
 * The last index of the window that starts at range `i`: the following
 * ranges that one bounded query reads with little waste — their UIDs all lie
 * within `PAGE_ROWS` of its first UID (one page holds them all), and the
 * UIDs in the gaps between them are no more than those asked for (at most
 * half the rows read are not wanted).
 */
function windowEnd(ranges: UidRanges, i: number): number {
  const [first, end] = ranges[i] as [number, number];
  let asked = end - first + 1;
  let gaps = 0;
  let j = i;
  while (j + 1 < ranges.length) {
    const [a, b] = ranges[j + 1] as [number, number];
    const gap = a - (ranges[j] as [number, number])[1] - 1;
    if (b - first >= PAGE_ROWS || gaps + gap > asked + (b - a + 1)) break;
    asked += b - a + 1;
    gaps += gap;
    j += 1;
  }
  return j;
}

/**
 * Pages of a mailbox's messages in `ranges`, ascending UID, `PAGE_ROWS` at a
 * time: a set of a few UIDs costs one query, `1:*` over a million messages a
 * thousand small ones, never one huge result. Ranges close together (a
 * sequence set over a mailbox with expunged messages becomes many short UID
 * ranges with small gaps) are read by one query over their span and
 * filtered here: one query instead of one per range.
 */
export async function* scanMessages(
  ex: Executor,
  mailboxId: string,
  ranges: UidRanges,
  filter: ScanFilter = {},
): AsyncGenerator<MessagesTable[]> {
  let i = 0;
  while (i < ranges.length) {
    const [a, b] = ranges[i] as [number, number];
    const j = windowEnd(ranges, i);
    if (j > i) {
      const window = ranges.slice(i, j + 1);
      const to = (ranges[j] as [number, number])[1];
      const rows = await filtered(ex, mailboxId, filter)
        .where('uid', '>=', a)
        .where('uid', '<=', to)
        .orderBy('uid')
        .limit(PAGE_ROWS)
        .execute();
      const wanted = rows.filter((r) => inRanges(window, Number(r.uid)));
      if (wanted.length > 0) yield wanted;
      i = j + 1;
    } else if (a === b) {
      // Single UIDs far apart share one `in (…)` query.
      const singles: number[] = [];
      while (i < ranges.length && singles.length < PAGE_ROWS) {
        const [x, y] = ranges[i] as [number, number];
        if (x !== y || windowEnd(ranges, i) > i) break;
        singles.push(x);
        i += 1;
      }
      const rows = await filtered(ex, mailboxId, filter).where('uid', 'in', singles).orderBy('uid').execute();
      if (rows.length > 0) yield rows;
    } else {
      yield* pageRange(ex, mailboxId, a, b, filter);
      i += 1;
    }
  }
}

/** One long range, paged by UID. */
async function* pageRange(
  ex: Executor,
  mailboxId: string,
  from: number,
  to: number,
  filter: ScanFilter,
): AsyncGenerator<MessagesTable[]> {
  for (let at = from; ; ) {
    const rows = await filtered(ex, mailboxId, filter)
      .where('uid', '>=', at)
      .where('uid', '<=', to)
      .orderBy('uid')
      .limit(PAGE_ROWS)
      .execute();
    if (rows.length > 0) yield rows;
    const last = rows.at(-1);
    if (rows.length < PAGE_ROWS || !last || Number(last.uid) >= to) return;
    at = Number(last.uid) + 1;
  }
}
