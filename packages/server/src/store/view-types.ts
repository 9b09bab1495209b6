/**
 * Types of the store's IMAP-grade operations: flags, UID sets, a mailbox's
 * session view and its change journal, flag changes, copy/move, expunge and
 * append. The REST API, the webmail, IMAP and POP3 all go through these, so
 * they can never disagree. `IMAP-API.md` beside this file explains how a
 * session uses them.
 */
import type { FinishedBlob, MessageIndex } from './types.js';

/**
 * The five system flags as bits of one number (RFC 9051 §2.3.2). `\Recent` is
 * gone in IMAP4rev2 and is not stored; a rev1 session reports none.
 */
export const FLAG = {
  seen: 1,
  answered: 2,
  flagged: 4,
  deleted: 8,
  draft: 16,
} as const;

/** A set of `FLAG` bits. */
export type FlagBits = number;

/**
 * UIDs: single UIDs and inclusive ranges `[from, to]`, in any order,
 * overlapping or not. A session resolves sequence numbers and `*` against its
 * own view before calling the store; the store never sees sequence numbers.
 * UIDs that do not exist (any more) are skipped silently (RFC 9051 §6.4.9).
 *
 * @example [3, [10, 20], 42]
 */
export type UidSet = ReadonlyArray<number | readonly [number, number]>;

/** One message's flags at a modseq: what FETCH FLAGS/MODSEQ reports. */
export interface FlagState {
  uid: number;
  /** RFC 7162 MODSEQ of the message's latest change. */
  modseq: number;
  /** `FLAG` bits. */
  flags: FlagBits;
  /** Keywords, sorted; empty when none. */
  keywords: string[];
}

/**
 * A mailbox's messages as parallel typed arrays in ascending UID order: a
 * session's view without one object per message (1,000,000 messages cost
 * 13 MB here, 4 MB with `uidsOnly`). Sequence number n is index n − 1.
 */
export interface UidList {
  uidValidity: number;
  uidNext: number;
  /**
   * The mailbox's HIGHESTMODSEQ, read before the rows. The rows may already
   * show later changes (they are read in pages, without one snapshot);
   * applying `changesSince(highestModseq)` afterwards is idempotent, so the
   * view is exact once it is applied.
   */
  highestModseq: number;
  uids: Uint32Array;
  /** Per message; empty when loaded with `uidsOnly`. */
  modseqs: Float64Array;
  /** `FLAG` bits per message; empty when loaded with `uidsOnly`. */
  flags: Uint8Array;
  /** Keywords of the messages that have any, by UID; empty when loaded with `uidsOnly`. */
  keywords: Map<number, string[]>;
  /** Every keyword some message of the mailbox has, sorted (for FLAGS / PERMANENTFLAGS). */
  keywordsInUse: string[];
}

/** What changed in a mailbox after a modseq: `changesSince`. */
export interface MailboxChanges {
  uidValidity: number;
  uidNext: number;
  /** Read before the changes: pass it to the next `changesSince` (re-reading a change is harmless). */
  highestModseq: number;
  /**
   * Messages present now whose modseq is above the one asked: new ones
   * (delivered, appended, copied or moved in) and ones whose flags changed,
   * with their current state, ascending UID. A UID the caller does not know
   * is new (it is always above every UID the caller knows).
   */
  changed: FlagState[];
  /** UIDs expunged (or moved out) above the modseq asked, ascending, each with the modseq of its expunge. */
  expunged: Array<{ uid: number; modseq: number }>;
  /**
   * False when the journal no longer reaches back to the modseq asked (its
   * retention, `journalRetentionMs`, pruned older expunges). `changed` is
   * still exact; `expunged` then holds only what is kept, and the caller must
   * treat every UID it knows that is not present as expunged (QRESYNC:
   * `VANISHED (EARLIER)` of the known UIDs missing from the mailbox, RFC 7162
   * §3.2.5.2).
   */
  expungedComplete: boolean;
}

/** A message as FETCH needs it: flags, sizes, dates, the body's blob. */
export interface MessageRecord extends FlagState {
  /** The message's stable id (REST `id`; POP3 UIDL): kept by a move, new for a copy. */
  id: string;
  /** RFC 9051 INTERNALDATE, epoch ms. */
  internalDate: number;
  /** RFC822.SIZE: the stored bytes. */
  size: number;
  /** Stream it with `blobs.read(blobId)`; never load a large body whole. */
  blobId: string;
  /** The index taken at delivery (subject, addresses, preview …); not an ENVELOPE. */
  index: MessageIndex;
}

/** How `setFlags` changes flags (RFC 9051 §6.4.6: `+FLAGS`, `-FLAGS`, `FLAGS`). */
export interface FlagChange {
  mode: 'add' | 'remove' | 'replace';
  /** `FLAG` bits to add, remove, or set (all others cleared with `replace`). */
  flags: FlagBits;
  /** Keywords likewise; validated with `validKeyword`, compared case-insensitively. */
  keywords?: readonly string[];
  /**
   * RFC 7162 §3.1.3 UNCHANGEDSINCE: a message whose modseq is above this is
   * left as it is and reported in `failed` (the MODIFIED response code).
   */
  unchangedSince?: number;
}

export interface SetFlagsResult {
  /**
   * Every message of the set that exists, after the change, ascending UID.
   * `changed` is false for one whose flags were already so: its modseq did
   * not move (RFC 7162 §3.1.3).
   */
  messages: Array<FlagState & { changed: boolean }>;
  /** UIDs that failed the UNCHANGEDSINCE test, ascending. */
  failed: number[];
  /** The mailbox's HIGHESTMODSEQ after the change. */
  highestModseq: number;
}

/** RFC 4315 COPYUID / RFC 6851 MOVE: which new UID each source UID got. */
export interface CopyResult {
  /** UIDVALIDITY of the destination. */
  uidValidity: number;
  /** Source UIDs copied, ascending; `destUids[i]` is the new UID of `sourceUids[i]`. */
  sourceUids: number[];
  destUids: number[];
  /** Destination HIGHESTMODSEQ after the copy. */
  highestModseq: number;
}

/** A move: a copy whose sources are expunged in the same transaction (RFC 6851 §3.3). */
export interface MoveResult extends CopyResult {
  /** Modseq of the source's expunge of `sourceUids` (its HIGHESTMODSEQ after the move). */
  sourceModseq: number;
}

export interface ExpungeOptions {
  /** Only these UIDs (UID EXPUNGE, RFC 9051 §6.4.9); all by default. */
  uids?: UidSet;
  /**
   * Expunge whether or not `\Deleted` is set (POP3's UPDATE state, REST's
   * DELETE). Default false: only messages with `\Deleted`, as IMAP requires.
   */
  ignoreDeletedFlag?: boolean;
}

export interface ExpungeResult {
  /** UIDs removed, ascending. */
  uids: number[];
  /** Their expunge's modseq (one for the whole call); 0 when nothing was removed. */
  modseq: number;
  /** The mailbox's HIGHESTMODSEQ after it. */
  highestModseq: number;
}

/** A message stored by a client (IMAP APPEND), its body already written through `mail/ingest`. */
export interface AppendInput {
  userId: string;
  mailboxId: string;
  /** A finished, not yet committed body from `blobs.createWriter()`. */
  blob: FinishedBlob;
  index: MessageIndex;
  flags?: FlagBits;
  keywords?: readonly string[];
  /** RFC 9051 §6.3.12 date-time argument, epoch ms; default now. */
  internalDate?: number;
}

/** Options of `createMailbox`. */
export interface CreateMailboxOptions {
  /**
   * RFC 6154 §3 CREATE-SPECIAL-USE: `\Archive`, `\Drafts`, `\Junk`, `\Sent`
   * or `\Trash`. A use another mailbox of the user already has, or any other
   * value (`\All`, `\Flagged` are virtual), is SPECIAL_USE_INVALID (IMAP `NO [USEATTR]`).
   */
  specialUse?: string | null;
  /** Also subscribe to the name (the REST API does by default; IMAP CREATE does not). */
  subscribe?: boolean;
}

/** A change of a mailbox's messages became durable (see `MailNotifier`). */
export type MailboxListener = (userId: string, mailboxId: string, highestModseq: number) => void;

/**
 * Wakes whoever shows a user's mail (IDLE sessions, SSE, the webmail) after
 * a change is committed. A notification carries nothing to trust: a
 * listener re-reads the durable journal (`changesSince`) or the mailbox row
 * (`getMailboxById`: absent means deleted, another name means renamed). A
 * lost or repeated notification therefore costs latency, never correctness,
 * which is what lets the in-process implementation be replaced by one that
 * fans out across nodes: PostgreSQL `LISTEN`/`NOTIFY` (publish = `NOTIFY
 * jdmail_mail, '<userId> <mailboxId> <modseq>'` after the commit; one
 * `LISTEN` connection per process dispatching to local subscribers) or Redis
 * pub/sub (a channel per user or one per process), both lossy in the same
 * way and equally safe.
 */
export interface MailNotifier {
  /**
   * Tells the user's subscribers that `mailboxId` changed; its HIGHESTMODSEQ
   * is now at least `highestModseq` (0 for a mailbox created, renamed or
   * deleted). Called after the commit; never throws, never waits for a listener.
   */
  publish(userId: string, mailboxId: string, highestModseq: number): void;
  /** Calls `listener` for every change of the user's mailboxes until the returned function is called. */
  subscribe(userId: string, listener: MailboxListener): () => void;
}
