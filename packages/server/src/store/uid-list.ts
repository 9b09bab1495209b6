import { setImmediate } from 'node:timers/promises';
import { AppError } from '../shared/index.js';
import type { OpsDeps } from './ops-deps.js';
import { bitsOf, keywordsOf } from './rows.js';
import type { UidList } from './view-types.js';

/** Rows per page: big enough that a million messages take 16 queries, small enough to yield often. */
const PAGE = 65_536;

/** Growable parallel arrays. */
class Columns {
  uids = new Uint32Array(1024);
  modseqs = new Float64Array(0);
  flags = new Uint8Array(0);
  length = 0;
  constructor(readonly full: boolean) {
    if (full) {
      this.modseqs = new Float64Array(1024);
      this.flags = new Uint8Array(1024);
    }
  }
  reserve(n: number): void {
    if (this.length + n <= this.uids.length) return;
    const size = Math.max(this.uids.length * 2, this.length + n);
    const grow = <T extends Uint32Array | Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a.subarray(0, this.length));
      return b;
    };
    this.uids = grow(this.uids, (k) => new Uint32Array(k));
    if (this.full) {
      this.modseqs = grow(this.modseqs, (k) => new Float64Array(k));
      this.flags = grow(this.flags, (k) => new Uint8Array(k));
    }
  }
}

/**
 * A mailbox's messages as typed arrays, ascending UID (SELECT). The mailbox
 * row is read first, then the messages in pages of 65,536 by UID, yielding to
 * the event loop between pages (on SQLite each page runs synchronously). The
 * pages are not one snapshot: see `UidList.highestModseq`.
 */
export async function loadUidList(
  deps: OpsDeps,
  userId: string,
  mailboxId: string,
  options: { uidsOnly?: boolean } = {},
): Promise<UidList> {
  const { db } = deps.database;
  const box = await db
    .selectFrom('mailboxes')
    .select(['uid_validity', 'uid_next', 'highest_modseq', 'total'])
    .where('id', '=', mailboxId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!box) throw new AppError('MAILBOX_NOT_FOUND', 'mailbox not found');
  const full = !options.uidsOnly;
  const cols = new Columns(full);
  cols.reserve(Number(box.total) + 16);
  const keywords = new Map<number, string[]>();
  const inUse = new Set<string>();
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('messages')
      .select(['uid', 'modseq', 'seen', 'answered', 'flagged', 'deleted', 'draft', 'keywords'])
      .where('mailbox_id', '=', mailboxId)
      .where('uid', '>', after)
      .orderBy('uid')
      .limit(PAGE)
      .execute();
    cols.reserve(rows.length);
    for (const r of rows) {
      const i = cols.length++;
      const uid = Number(r.uid);
      cols.uids[i] = uid;
      if (!full) continue;
      cols.modseqs[i] = Number(r.modseq);
      cols.flags[i] = bitsOf(r);
      if (r.keywords !== '[]') {
        const list = keywordsOf(r.keywords);
        keywords.set(uid, list);
        for (const k of list) inUse.add(k);
      }
    }
    if (rows.length < PAGE) break;
    after = Number(rows.at(-1)?.uid);
    await setImmediate();
  }
  return {
    uidValidity: Number(box.uid_validity),
    uidNext: Number(box.uid_next),
    highestModseq: Number(box.highest_modseq),
    uids: cols.uids.slice(0, cols.length),
    modseqs: cols.modseqs.slice(0, full ? cols.length : 0),
    flags: cols.flags.slice(0, full ? cols.length : 0),
    keywords,
    keywordsInUse: [...inUse].sort(),
  };
}
