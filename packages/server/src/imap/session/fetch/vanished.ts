import {
  formatRanges,
  resolveSequenceSet,
  type SequenceSet,
  vanishedResponse,
} from '../../protocol/index.js';
import type { SelectedMailbox } from '../selected-mailbox.js';
import type { SessionContext } from '../types.js';

type Ranges = Array<[number, number]>;

/** Ascending UIDs → ascending ranges. */
function toRanges(uids: Iterable<number>): Ranges {
  const ranges: Ranges = [];
  for (const uid of uids) {
    const last = ranges[ranges.length - 1];
    if (last && uid === last[1] + 1) last[1] = uid;
    else ranges.push([uid, uid]);
  }
  return ranges;
}

/** `ranges` minus the ascending UIDs `present`. */
function subtract(ranges: Ranges, present: readonly number[]): Ranges {
  const out: Ranges = [];
  let i = 0;
  for (const [a, b] of ranges) {
    let from = a;
    while (i < present.length && (present[i] as number) < a) i++;
    while (i < present.length && (present[i] as number) <= b) {
      const uid = present[i++] as number;
      if (uid > from) out.push([from, uid - 1]);
      from = uid + 1;
    }
    if (from <= b) out.push([from, b]);
  }
  return out;
}

/** The UIDs of the view within `ranges`, ascending. */
function viewUids(view: SelectedMailbox, ranges: Ranges): number[] {
  const uids: number[] = [];
  for (const [a, b] of ranges) {
    for (let seq = view.seqAtOrAfter(a); seq <= view.exists; seq++) {
      const uid = view.uidAt(seq);
      if (uid > b) break;
      uids.push(uid);
    }
  }
  return uids;
}

/**
 * `* VANISHED (EARLIER) uids` for UID FETCH (CHANGEDSINCE m VANISHED)
 * (RFC 7162 §3.2.6): the UIDs of the set expunged after modseq m. When the
 * journal no longer reaches back to m, every UID of the set (up to UIDNEXT)
 * the mailbox lacks. UIDs the view still numbers (an expunge not yet
 * reported) are left out: their plain VANISHED comes later, and twice would
 * make the client count down twice. Null when there are none.
 */
export async function vanishedEarlier(
  ctx: SessionContext,
  view: SelectedMailbox,
  set: SequenceSet,
  changedSince: number,
): Promise<Buffer | null> {
  const user = ctx.user;
  if (!user) return null;
  const largest = Math.max(view.lastUid, view.uidNext - 1);
  const requested: Ranges =
    set.kind === 'saved' ? toRanges(view.savedSearch ?? []) : resolveSequenceSet(set.ranges, largest);
  const changes = await ctx.store.changesSince(user.id, view.mailboxId, changedSince);
  let gone: Ranges;
  if (changes.expungedComplete) {
    const uids = changes.expunged
      .map((e) => e.uid)
      .filter((uid) => requested.some(([a, b]) => uid >= a && uid <= b));
    gone = toRanges(uids.filter((uid) => view.seqOf(uid) === 0));
  } else {
    const clipped = requested
      .filter(([a]) => a <= largest)
      .map(([a, b]): [number, number] => [a, Math.min(b, largest)]);
    gone = subtract(clipped, viewUids(view, clipped));
  }
  return gone.length > 0 ? vanishedResponse(formatRanges(gone), true) : null;
}
