import { setImmediate } from 'node:timers/promises';
import { sql } from 'kysely';
import { AppError } from '../shared/index.js';
import type { Database } from './db.js';
import type { OpsDeps } from './ops-deps.js';
import { keywordsOf } from './rows.js';
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

type PageReader = (mailboxId: string, after: number) => Promise<unknown[][]>;

const readers = new WeakMap<Database, { full?: PageReader; uids?: PageReader }>();

/**
 * Reads one page of `[uid, modseq, flag bits, keywords]` (or `[uid]`) rows.
 * SQLite: in raw mode on the reading connection, one array per row and no
 * object, compiled once per database. PostgreSQL: through Kysely.
 */
function pageReader(database: Database, full: boolean): PageReader {
  const cached = readers.get(database) ?? {};
  readers.set(database, cached);
  const kind = full ? 'full' : 'uids';
  const known = cached[kind];
  if (known) return known;
  const base = database.db.selectFrom('messages');
  const selected = full
    ? base.select([
        'uid',
        'modseq',
        // The FLAG bits in SQL, so a row is four narrow values.
        sql<number>`seen + 2 * answered + 4 * flagged + 8 * deleted + 16 * draft`.as('f'),
        // Null for the many messages without keywords: no string made for them.
        sql<string | null>`case when keywords = '[]' then null else keywords end`.as('k'),
      ])
    : base.select('uid');
  const query = selected.where('mailbox_id', '=', '').where('uid', '>', 0).orderBy('uid').limit(PAGE);
  let reader: PageReader;
  if (database.prepareRawRead) {
    const run = database.prepareRawRead(query);
    reader = async (mailboxId, after) => run([mailboxId, after, PAGE]);
  } else {
    reader = async (mailboxId, after) => {
      const q = (full ? selected : base.select('uid'))
        .where('mailbox_id', '=', mailboxId)
        .where('uid', '>', after)
        .orderBy('uid')
        .limit(PAGE);
      const rows = (await q.execute()) as Array<Record<string, unknown>>;
      return rows.map((r) => (full ? [r.uid, r.modseq, r.f, r.k] : [r.uid]));
    };
  }
  cached[kind] = reader;
  return reader;
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
  const page = pageReader(deps.database, full);
  let after = 0;
  for (;;) {
    const rows = await page(mailboxId, after);
    cols.reserve(rows.length);
    for (const r of rows) {
      const i = cols.length++;
      const uid = Number(r[0]);
      cols.uids[i] = uid;
      if (!full) continue;
      cols.modseqs[i] = Number(r[1]);
      cols.flags[i] = Number(r[2]);
      const json = r[3] as string | null;
      if (json !== null) {
        const list = keywordsOf(json);
        keywords.set(uid, list);
        for (const k of list) inUse.add(k);
      }
    }
    if (rows.length < PAGE) break;
    after = cols.uids[cols.length - 1] as number;
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
