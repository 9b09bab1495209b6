import type { FlagState, MailboxChanges, UidSet } from '../../store/index.js';
import { ImapProtocolError, resolveSequenceSet, type SequenceSet } from '../protocol/index.js';

/** The mailbox as the session knows it when it is selected. */
export interface SelectedMailboxInit {
  mailboxId: string;
  /** The name the client selected it by (store form, UTF-8). */
  name: string;
  /** EXAMINE, or a mailbox the user may only read. */
  readOnly: boolean;
  uidValidity: number;
  uidNext: number;
  highestModseq: number;
  /** Every message's UID, ascending (the view takes ownership of the array). */
  uids: Uint32Array;
  /** Keywords the client was told of in FLAGS (RFC 9051 §7.3.5). */
  keywords: readonly string[];
}

/**
 * Messages a command names, resolved against the view: sequence-number
 * ranges (1-based, inclusive, ascending, merged) and the same messages as a
 * compact {@link UidSet} for the store.
 */
export interface MessageSelection {
  readonly seqRanges: ReadonlyArray<readonly [number, number]>;
  readonly uids: UidSet;
  /** How many messages. */
  readonly count: number;
}

/** One untagged response a view wants to send, in the order to send them. */
export type ViewUpdate =
  | { readonly kind: 'expunge'; readonly seq: number }
  | { readonly kind: 'vanished'; readonly uids: readonly number[] }
  | { readonly kind: 'exists'; readonly count: number }
  | { readonly kind: 'fetch'; readonly seq: number; readonly state: FlagState };

const EMPTY = new Uint32Array(0);

/**
 * A session's view of its selected mailbox (RFC 9051 §2.3.1.2): the UIDs in
 * sequence-number order (sequence number n is `uids[n - 1]`), 4 bytes per
 * message, plus the changes not yet told to the client.
 *
 * Changes come from the store's journal (`changesSince`) through
 * {@link apply}: new messages are appended at once (they are announced by
 * EXISTS, which may be sent any time a command ends), flag changes wait as
 * pending FETCH responses, and expunged messages keep their sequence
 * numbers until {@link takeUpdates} is allowed to report them (RFC 9051
 * §7.5.1: never during FETCH, STORE or SEARCH by sequence number). Flags
 * are not kept here: the store has them, and an untagged FETCH carries the
 * state the journal returned. A 1,000,000-message mailbox costs 4 MB.
 */
export class SelectedMailbox {
  readonly mailboxId: string;
  /** The name the client selected; kept current across renames. */
  name: string;
  readonly readOnly: boolean;
  readonly uidValidity: number;
  uidNext: number;
  /** Modseq up to which the journal has been applied. */
  highestModseq: number;
  /** The notifier said the mailbox changed after `highestModseq`: the session syncs before its next answer. */
  dirty = false;
  /** The UIDs of the last `SEARCH ... RETURN (SAVE)` (RFC 9051 §6.4.4.1, `$`), if any: the search helper sets it. */
  savedSearch: Uint32Array | null = null;
  /** Keywords told to the client in FLAGS; a new one means a new FLAGS response (RFC 9051 §7.3.5). */
  readonly keywords: Set<string>;

  private uids: Uint32Array;
  private count: number;
  /** EXISTS as last told to the client. */
  private announcedExists: number;
  /** UIDs expunged in the store but still numbered here, until the client may be told. */
  private readonly expunged = new Set<number>();
  /** Latest flag state to announce, by UID. */
  private readonly flagChanges = new Map<number, FlagState>();
  /** Modseqs of this session's own changes: their journal replay is not announced again. */
  private readonly ownModseqs = new Set<number>();
  /** UID ranges `(after, upTo]` that are `\Recent` in this session (IMAP4rev1, see recent.ts). */
  private readonly recentRanges: Array<readonly [number, number]> = [];

  constructor(init: SelectedMailboxInit) {
    this.mailboxId = init.mailboxId;
    this.name = init.name;
    this.readOnly = init.readOnly;
    this.uidValidity = init.uidValidity;
    this.uidNext = init.uidNext;
    this.highestModseq = init.highestModseq;
    this.keywords = new Set(init.keywords);
    this.uids = init.uids.length > 0 ? init.uids : EMPTY;
    this.count = init.uids.length;
    this.announcedExists = this.count;
  }

  /** Messages numbered now (EXISTS): expunged ones not yet reported included. */
  get exists(): number {
    return this.count;
  }

  /** The UID of sequence number `seq` (1-based); 0 when out of range. */
  uidAt(seq: number): number {
    return seq >= 1 && seq <= this.count ? (this.uids[seq - 1] as number) : 0;
  }

  /** The sequence number of `uid`, or 0 when the view has no such message. */
  seqOf(uid: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const value = this.uids[mid] as number;
      if (value < uid) lo = mid + 1;
      else if (value > uid) hi = mid - 1;
      else return mid + 1;
    }
    return 0;
  }

  /** The sequence number of the first message whose UID is ≥ `uid` (EXISTS + 1 when none). */
  seqAtOrAfter(uid: number): number {
    return this.lowerBound(uid) + 1;
  }

  /** The largest UID in the view (0 when empty). */
  get lastUid(): number {
    return this.count > 0 ? (this.uids[this.count - 1] as number) : 0;
  }

  /** Whether `uid` was expunged (by anyone) and the client has not been told yet. */
  isExpunged(uid: number): boolean {
    return this.expunged.has(uid);
  }

  /**
   * Resolves a sequence set (`byUid` false) or a UID set (true) against the
   * view. Sequence numbers past EXISTS are a BAD (RFC 9051 §9: a client may
   * only name messages it was told of); UIDs not in the view are skipped
   * (§6.4.9), and `n:*` always includes the last message.
   */
  resolve(set: SequenceSet, byUid: boolean): MessageSelection {
    if (set.kind === 'saved') return this.fromUidList(this.savedSearch ?? EMPTY);
    if (!byUid) {
      // RFC 9051 §2.3.1.2: a BAD for a number past EXISTS, "*" in an empty mailbox included.
      if (this.count === 0 && set.ranges.some((r) => r.start === '*' || r.end === '*'))
        throw new ImapProtocolError('No messages: the mailbox is empty');
      const ranges = resolveSequenceSet(set.ranges, this.count);
      const last = ranges[ranges.length - 1];
      if (last && last[1] > this.count)
        throw new ImapProtocolError(`No message ${last[1]}: the mailbox has ${this.count}`);
      return this.fromSeqRanges(ranges);
    }
    const uidRanges = resolveSequenceSet(set.ranges, this.lastUid);
    const seqRanges: Array<[number, number]> = [];
    for (const [from, to] of uidRanges) {
      const first = this.lowerBound(from);
      const end = this.lowerBound(to + 1);
      if (first < end) seqRanges.push([first + 1, end]);
    }
    return this.fromSeqRanges(seqRanges);
  }

  /** Index of the first UID ≥ `uid`. */
  private lowerBound(uid: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.uids[mid] as number) < uid) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private fromSeqRanges(seqRanges: Array<[number, number]>): MessageSelection {
    const uids: Array<number | [number, number]> = [];
    let count = 0;
    for (const [from, to] of seqRanges) {
      count += to - from + 1;
      let start = this.uids[from - 1] as number;
      let prev = start;
      for (let i = from; i < to; i++) {
        const uid = this.uids[i] as number;
        if (uid !== prev + 1) {
          uids.push(start === prev ? start : [start, prev]);
          start = uid;
        }
        prev = uid;
      }
      uids.push(start === prev ? start : [start, prev]);
    }
    return { seqRanges, uids, count };
  }

  private fromUidList(list: Uint32Array): MessageSelection {
    const ranges: Array<[number, number]> = [];
    for (const uid of list) {
      const seq = this.seqOf(uid);
      if (seq === 0) continue;
      const last = ranges[ranges.length - 1];
      if (last && last[1] + 1 === seq) last[1] = seq;
      else ranges.push([seq, seq]);
    }
    return this.fromSeqRanges(ranges.sort((a, b) => a[0] - b[0]));
  }

  /** Makes the UIDs in `(after, upTo]` recent in this session. */
  addRecent(after: number, upTo: number): void {
    if (upTo > after) this.recentRanges.push([after, upTo]);
  }

  /** Whether `uid` is `\Recent` in this session (FETCH FLAGS of an IMAP4rev1 client). */
  isRecent(uid: number): boolean {
    return this.recentRanges.some(([after, upTo]) => uid > after && uid <= upTo);
  }

  /** How many messages of the view are recent in this session (`* n RECENT`). */
  get recentCount(): number {
    let n = 0;
    for (const [after, upTo] of this.recentRanges)
      n += this.lowerBound(upTo + 1) - this.lowerBound(after + 1);
    return n;
  }

  /** Marks a modseq as this session's own change (STORE, EXPUNGE, MOVE): its replay is not announced. */
  noteOwnChange(modseq: number): void {
    if (modseq > this.highestModseq) this.ownModseqs.add(modseq);
  }

  /**
   * Applies what the journal says changed after {@link highestModseq}:
   * new UIDs join the view, flag changes and expunges wait to be announced.
   * Idempotent, so a late or repeated wake-up does no harm. Returns the UIDs
   * it could not place (a UID below the last one that the view does not
   * know: the journal's order guarantees it never happens; logged by the caller).
   */
  apply(changes: MailboxChanges): number[] {
    const misplaced: number[] = [];
    for (const state of changes.changed) {
      if (state.modseq <= this.highestModseq) continue; // applied already (a repeated wake-up)
      const seq = this.seqOf(state.uid);
      if (seq > 0) {
        if (!this.ownModseqs.has(state.modseq) && !this.expunged.has(state.uid))
          this.flagChanges.set(state.uid, state);
      } else if (state.uid > this.lastUid) this.push(state.uid);
      else misplaced.push(state.uid);
    }
    for (const { uid } of changes.expunged) {
      if (this.seqOf(uid) > 0) {
        this.expunged.add(uid);
        this.flagChanges.delete(uid);
      }
    }
    this.uidNext = Math.max(this.uidNext, changes.uidNext);
    this.highestModseq = Math.max(this.highestModseq, changes.highestModseq);
    for (const modseq of this.ownModseqs) if (modseq <= this.highestModseq) this.ownModseqs.delete(modseq);
    return misplaced;
  }

  /**
   * Marks every UID of the view that is not in `present` (ascending) as
   * expunged: after a journal that no longer reaches back far enough
   * (`expungedComplete: false`), the full list is the truth.
   */
  expungeMissing(present: Uint32Array): void {
    let j = 0;
    for (let i = 0; i < this.count; i++) {
      const uid = this.uids[i] as number;
      while (j < present.length && (present[j] as number) < uid) j++;
      if (present[j] !== uid) {
        this.expunged.add(uid);
        this.flagChanges.delete(uid);
      }
    }
  }

  /** Removes UIDs this session expunged itself (EXPUNGE, MOVE): those the client knew, by sequence number descending. */
  removeOwn(uids: readonly number[]): Array<{ seq: number; uid: number }> {
    for (const uid of uids) if (this.seqOf(uid) > 0) this.expunged.add(uid);
    return this.removeExpunged(uids);
  }

  /** Whether anything waits to be told to the client. */
  get hasUpdates(): boolean {
    return this.expunged.size > 0 || this.count !== this.announcedExists || this.flagChanges.size > 0;
  }

  /**
   * The updates the client may be told now, in order: expunges (when
   * `allowExpunge`; as one VANISHED under QRESYNC, RFC 7162 §3.2.10), then
   * EXISTS if the count grew, then FETCH of changed flags. Once taken they
   * are the client's: the view renumbers.
   */
  takeUpdates(allowExpunge: boolean, vanished: boolean): ViewUpdate[] {
    const updates: ViewUpdate[] = [];
    if (allowExpunge && this.expunged.size > 0) {
      const uids = [...this.expunged].sort((a, b) => a - b);
      const told = this.removeExpunged(uids);
      if (vanished && told.length > 0)
        updates.push({ kind: 'vanished', uids: told.map((t) => t.uid).sort((a, b) => a - b) });
      // RFC 9051 §7.5.1: each EXPUNGE renumbers the later messages; sent from the highest, none shifts.
      else if (!vanished) for (const { seq } of told) updates.push({ kind: 'expunge', seq });
    }
    if (this.count > this.announcedExists) {
      updates.push({ kind: 'exists', count: this.count });
      this.announcedExists = this.count;
    }
    if (this.flagChanges.size > 0) {
      const states = [...this.flagChanges.values()].sort((a, b) => a.uid - b.uid);
      this.flagChanges.clear();
      for (const state of states) {
        const seq = this.seqOf(state.uid);
        if (seq > 0 && !this.expunged.has(state.uid)) updates.push({ kind: 'fetch', seq, state });
      }
    }
    return updates;
  }

  /**
   * Removes `uids` that are marked expunged and returns the former sequence
   * numbers, descending, of those the client knew of (a message that came and
   * went before an EXISTS told of it goes silently: an EXPUNGE of a number the
   * client never saw would desynchronize it).
   */
  private removeExpunged(uids: readonly number[]): Array<{ seq: number; uid: number }> {
    const drop = new Set<number>();
    const told: Array<{ seq: number; uid: number }> = [];
    for (const uid of uids) {
      if (!this.expunged.delete(uid)) continue;
      const seq = this.seqOf(uid);
      if (seq === 0) continue;
      drop.add(seq);
      if (seq <= this.announcedExists) told.push({ seq, uid });
    }
    if (drop.size === 0) return told;
    told.sort((a, b) => b.seq - a.seq);
    // One compaction pass: keep every UID whose sequence number is not dropped.
    let w = 0;
    for (let r = 0; r < this.count; r++) {
      if (drop.has(r + 1)) continue;
      this.uids[w++] = this.uids[r] as number;
    }
    this.count = w;
    this.announcedExists -= told.length;
    return told;
  }

  private push(uid: number): void {
    if (this.count === this.uids.length) {
      const grown = new Uint32Array(Math.max(16, this.uids.length + (this.uids.length >> 1)));
      grown.set(this.uids.subarray(0, this.count));
      this.uids = grown;
    }
    this.uids[this.count++] = uid;
  }
}
