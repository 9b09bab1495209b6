import { type RawBuilder, sql } from 'kysely';
import { AppError } from '../shared/index.js';
import { type Database, type MessageSummary, mailboxId, toSummary } from '../store/index.js';
import { postgresCandidates, postgresMatch } from './engine-postgres.js';
import { sqliteCandidates, sqliteMatch } from './engine-sqlite.js';
import { parseQuery, type SearchTerm } from './query.js';

/** A search over one user's messages; every filter given must hold. */
export interface SearchOptions {
  /** Words, phrases and field prefixes (see `parseQuery`). */
  q?: string;
  /** One mailbox by name; absent: every mailbox. */
  mailbox?: string;
  unread?: boolean;
  flagged?: boolean;
  hasAttachment?: boolean;
  /** Internal date (arrival) at or after, epoch ms. */
  since?: number;
  /** Internal date before, epoch ms. */
  before?: number;
  limit: number;
  cursor?: string;
}

/** Where a search page ended: the last message's internal date and id (the order's keys). */
interface SearchPosition {
  date: number;
  id: string;
}

const encodeCursor = (p: SearchPosition) =>
  Buffer.from(JSON.stringify({ s: 1, d: p.date, i: p.id })).toString('base64url');

/** A cursor of `encodeCursor`; anything else is INVALID_CURSOR. */
function decodeCursor(token: string): SearchPosition {
  const invalid = () => new AppError('INVALID_CURSOR');
  if (!/^[A-Za-z0-9_-]{1,300}$/.test(token)) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const { s, d, i } = (value ?? {}) as { s?: unknown; d?: unknown; i?: unknown };
  if (s !== 1 || typeof d !== 'number' || !Number.isSafeInteger(d) || typeof i !== 'string' || i.length > 64)
    throw invalid();
  return { date: d, id: i };
}

/**
 * Matches up to which a search starts from the index rather than from the mailbox: a word
 * found in few documents (a name, an invoice number) is looked up in the index and its rows
 * fetched by blob; a common one is found faster by reading the mailbox newest first and
 * keeping the rows whose body matches, which stops after a page. Without this, a rare word
 * read the whole mailbox (0.8 s on SQLite and 1.7 s on PostgreSQL at 100,000 messages, see
 * bench/README.md, search).
 */
export const INDEX_FIRST_MAX = 1000;

/** The words' condition on `m`, and whether it is a list of blob ids (see INDEX_FIRST_MAX). */
async function matcher(
  database: Database,
  terms: readonly SearchTerm[],
): Promise<{ condition: RawBuilder<boolean>; few: boolean }> {
  if (terms.length === 0) return { condition: sql<boolean>`1 = 1`, few: false };
  const postgres = database.engine === 'postgres';
  const found = await (postgres ? postgresCandidates : sqliteCandidates)(database, terms, INDEX_FIRST_MAX);
  if (found.length === 0) return { condition: sql<boolean>`1 = 0`, few: true };
  if (found.length <= INDEX_FIRST_MAX)
    return { condition: sql<boolean>`m.blob_id IN (${sql.join(found.map((b) => sql`${b}`))})`, few: true };
  return { condition: postgres ? postgresMatch(terms) : sqliteMatch(terms), few: false };
}

/**
 * A column of `m` in a condition; `+m.col` when the rows are fetched by blob, so that SQLite
 * does not walk the user's or mailbox's index instead (unary `+` keeps a term from using one).
 */
const column = (database: Database, name: 'user_id' | 'mailbox_id', few: boolean) =>
  few && database.engine === 'sqlite' ? sql<string>`+m.${sql.raw(name)}` : sql<string>`m.${sql.raw(name)}`;

/**
 * One page of a user's messages matching `options`, newest first (internal date, then id), a
 * message in several mailboxes once per mailbox. The words are matched in the search index
 * (see `indexer.ts`), which holds one document per body: a row joins it through its blob, so a
 * moved message is found in its new mailbox and an expunged one is gone, at once. A message
 * delivered in the last moment may not be indexed yet (it is within about a second).
 */
export async function searchMessages(
  database: Database,
  userId: string,
  options: SearchOptions,
): Promise<{ items: MessageSummary[]; nextCursor: string | null }> {
  const { limit } = options;
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new AppError('VALIDATION_FAILED', 'limit must be a positive integer');
  const terms = options.q === undefined ? [] : parseQuery(options.q);
  // A query of punctuation only asks for nothing that can be found.
  if (options.q !== undefined && options.q.trim() !== '' && terms.length === 0)
    return { items: [], nextCursor: null };
  const { db } = database;
  const boxId = options.mailbox === undefined ? undefined : await mailboxId(db, userId, options.mailbox);
  const words = await matcher(database, terms);
  let query = db
    .selectFrom('messages as m')
    .innerJoin('mailboxes as b', 'b.id', 'm.mailbox_id')
    .selectAll('m')
    .select('b.name as mailbox_name')
    .where(column(database, 'user_id', words.few), '=', userId)
    .where(words.condition);
  if (boxId !== undefined) query = query.where(column(database, 'mailbox_id', words.few), '=', boxId);
  if (options.unread !== undefined) query = query.where('m.seen', '=', options.unread ? 0 : 1);
  if (options.flagged !== undefined) query = query.where('m.flagged', '=', options.flagged ? 1 : 0);
  if (options.hasAttachment !== undefined)
    query = query.where('m.has_attachments', '=', options.hasAttachment ? 1 : 0);
  if (options.since !== undefined) query = query.where('m.internal_date', '>=', options.since);
  if (options.before !== undefined) query = query.where('m.internal_date', '<', options.before);
  if (options.cursor !== undefined) {
    const after = decodeCursor(options.cursor);
    query = query.where((eb) =>
      eb.or([
        eb('m.internal_date', '<', after.date),
        eb.and([eb('m.internal_date', '=', after.date), eb('m.id', '<', after.id)]),
      ]),
    );
  }
  const rows = await query
    .orderBy('m.internal_date', 'desc')
    .orderBy('m.id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toSummary),
    nextCursor:
      rows.length > limit && last ? encodeCursor({ date: Number(last.internal_date), id: last.id }) : null,
  };
}
