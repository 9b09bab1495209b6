import { type RawBuilder, sql } from 'kysely';
import type { Database } from '../store/index.js';
import { FIELD_ORDER, type SearchDocument } from './document.js';
import type { SearchField, SearchTerm } from './query.js';
import type { QueryToken } from './tokens.js';

/**
 * PostgreSQL: tsvectors built from the pre-cut tokens as literals (no text search parser or
 * dictionary runs, so the words are exactly those SQLite indexes), queried with tsquery
 * literals: `<->` for phrases, `:*` for prefixes, weights for fields (see migration 0018-search).
 */

/** Positions a lexeme keeps at most (PostgreSQL's MAXNUMPOS); more are dropped. */
const MAX_POSITIONS = 256;
const WEIGHT: Record<Exclude<SearchField, 'any'>, string> = {
  subject: 'A',
  from: 'B',
  to: 'C',
  attachment: 'D',
};
const HEAD_WEIGHTS: Partial<Record<(typeof FIELD_ORDER)[number], string>> = {
  subject: 'A',
  sender: 'B',
  recipients: 'C',
  attachments: 'D',
};

/** A lexeme quoted for tsvector and tsquery input. */
const quote = (token: string): string => `'${token.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/** A tsvector literal: each token with its positions (from 1), each position with `weight`. */
class VectorBuilder {
  private readonly positions = new Map<string, string[]>();
  private next = 1;
  add(tokens: readonly string[], weight = ''): void {
    for (const token of tokens) {
      const list = this.positions.get(token) ?? [];
      if (list.length < MAX_POSITIONS) list.push(`${this.next}${weight}`);
      this.positions.set(token, list);
      this.next += 1;
    }
    this.next += 1; // a gap: a phrase never spans two fields
  }
  literal(): string {
    return [...this.positions].map(([token, list]) => `${quote(token)}:${list.join(',')}`).join(' ');
  }
}

/** The two tsvectors of a document: `doc` (all fields) and `head` (header fields, weighted). */
export function vectors(doc: SearchDocument): { doc: string; head: string } {
  const all = new VectorBuilder();
  const head = new VectorBuilder();
  for (const field of FIELD_ORDER) {
    all.add(doc[field]);
    const weight = HEAD_WEIGHTS[field];
    if (weight) head.add(doc[field], weight);
  }
  return { doc: all.literal(), head: head.literal() };
}

/** One term as a tsquery phrase, its lexemes carrying `weight` (a field) or none. */
function phrase(tokens: readonly QueryToken[], weight: string): string {
  const parts = tokens.map((t) => {
    const label = `${t.prefix ? '*' : ''}${weight}`;
    return label ? `${quote(t.token)}:${label}` : quote(t.token);
  });
  return parts.length === 1 ? (parts[0] as string) : `(${parts.join(' <-> ')})`;
}

/** The tsquery literals of a query: terms anywhere (on `doc`) and terms in a field (on `head`). */
export function tsqueries(terms: readonly SearchTerm[]): { doc: string | null; head: string | null } {
  const any = terms.filter((t) => t.field === 'any').map((t) => phrase(t.tokens, ''));
  const fielded = terms
    .filter((t) => t.field !== 'any')
    .map((t) => phrase(t.tokens, WEIGHT[t.field as Exclude<SearchField, 'any'>]));
  return { doc: any.length ? any.join(' & ') : null, head: fielded.length ? fielded.join(' & ') : null };
}

/** The words' conditions on `search_docs d`. */
function conditions(terms: readonly SearchTerm[]): RawBuilder<boolean> {
  const q = tsqueries(terms);
  const parts = [
    q.doc === null ? null : sql`d.doc @@ ${q.doc}::tsquery`,
    q.head === null ? null : sql`d.head @@ ${q.head}::tsquery`,
  ].filter((c) => c !== null);
  return sql<boolean>`${sql.join(parts, sql` AND `)}`;
}

/** The blob ids of up to `max + 1` matching documents (more than `max`: the words are common). */
export async function postgresCandidates(
  database: Database,
  terms: readonly SearchTerm[],
  max: number,
): Promise<string[]> {
  const found = await sql<{ blob_id: string }>`SELECT d.blob_id FROM search_docs d WHERE ${conditions(terms)}
    LIMIT ${max + 1}`.execute(database.db);
  return found.rows.map((r) => r.blob_id);
}

/** The condition "the message's body matches" for a messages row aliased `m`. */
export function postgresMatch(terms: readonly SearchTerm[]): RawBuilder<boolean> {
  return sql<boolean>`m.blob_id IN (SELECT d.blob_id FROM search_docs d WHERE ${conditions(terms)})`;
}

/** Stores documents not indexed yet; a blob indexed already is left as it is. */
export async function postgresWrite(
  database: Database,
  docs: ReadonlyArray<{ blobId: string; doc: SearchDocument }>,
  now: number,
): Promise<void> {
  if (docs.length === 0) return;
  const rows = docs.map(({ blobId, doc }) => {
    const v = vectors(doc);
    return sql`(${blobId}, ${v.doc}::tsvector, ${v.head}::tsvector, ${now})`;
  });
  await sql`INSERT INTO search_docs (blob_id, doc, head, indexed_at) VALUES ${sql.join(rows)}
    ON CONFLICT (blob_id) DO NOTHING`.execute(database.db);
}

/** Removes the documents of these blobs (their bodies are gone). */
export async function postgresForget(database: Database, blobIds: readonly string[]): Promise<void> {
  if (blobIds.length === 0) return;
  await sql`DELETE FROM search_docs WHERE blob_id IN (${sql.join(blobIds.map((b) => sql`${b}`))})`.execute(
    database.db,
  );
}
