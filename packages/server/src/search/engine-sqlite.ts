import { type RawBuilder, sql } from 'kysely';
import type { Database } from '../store/index.js';
import type { SearchDocument } from './document.js';
import type { SearchField, SearchTerm } from './query.js';
import type { QueryToken } from './tokens.js';

/**
 * SQLite: FTS5 over the pre-cut tokens (see migration 0018-search). A document is a row of
 * `search_docs` (blob → integer id) and the FTS row of that id; a query is an FTS5 expression
 * of quoted phrases, so no word of the user's is read as FTS5 syntax (tokens hold no `"`).
 */

const COLUMN: Record<Exclude<SearchField, 'any'>, string> = {
  subject: 'subject',
  from: 'sender',
  to: 'recipients',
  attachment: 'attachments',
};

/** One term as an FTS5 phrase: `"a b"` or `"a b" *` (the last token a prefix), in its column. */
function phrase(field: SearchField, tokens: readonly QueryToken[]): string {
  const last = tokens[tokens.length - 1];
  const text = `"${tokens.map((t) => t.token).join(' ')}"${last?.prefix ? ' *' : ''}`;
  return field === 'any' ? text : `${COLUMN[field]} : ${text}`;
}

/** The FTS5 MATCH expression of a parsed query (at least one term): every term must match. */
export function ftsExpression(terms: readonly SearchTerm[]): string {
  return terms.map((t) => phrase(t.field, t.tokens)).join(' AND ');
}

/** The blob ids of up to `max + 1` matching documents (more than `max`: the words are common). */
export async function sqliteCandidates(
  database: Database,
  terms: readonly SearchTerm[],
  max: number,
): Promise<string[]> {
  const found = await sql<{
    blob_id: string;
  }>`SELECT d.blob_id FROM search_fts f JOIN search_docs d ON d.id = f.rowid
    WHERE search_fts MATCH ${ftsExpression(terms)} LIMIT ${max + 1}`.execute(database.db);
  return found.rows.map((r) => r.blob_id);
}

/** The condition "the message's body matches" for a messages row aliased `m`. */
export function sqliteMatch(terms: readonly SearchTerm[]): RawBuilder<boolean> {
  return sql<boolean>`m.blob_id IN (SELECT d.blob_id FROM search_docs d WHERE d.id IN
    (SELECT rowid FROM search_fts WHERE search_fts MATCH ${ftsExpression(terms)}))`;
}

/** Stores documents not indexed yet, in one transaction; a blob indexed already is left as it is. */
export async function sqliteWrite(
  database: Database,
  docs: ReadonlyArray<{ blobId: string; doc: SearchDocument }>,
  now: number,
): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    for (const { blobId, doc } of docs) {
      const row = await sql<{ id: number }>`INSERT INTO search_docs (blob_id, indexed_at)
        VALUES (${blobId}, ${now}) ON CONFLICT (blob_id) DO NOTHING RETURNING id`.execute(trx);
      const id = row.rows[0]?.id;
      if (id === undefined) continue;
      const [subject, sender, recipients, attachments, body] = [
        doc.subject,
        doc.sender,
        doc.recipients,
        doc.attachments,
        doc.body,
      ].map((tokens) => tokens.join(' '));
      await sql`INSERT INTO search_fts (rowid, subject, sender, recipients, attachments, body)
        VALUES (${id}, ${subject}, ${sender}, ${recipients}, ${attachments}, ${body})`.execute(trx);
    }
  });
}

/** Removes the documents of these blobs (their bodies are gone). */
export async function sqliteForget(database: Database, blobIds: readonly string[]): Promise<void> {
  if (blobIds.length === 0) return;
  await database.db.transaction().execute(async (trx) => {
    const ids = sql.join(blobIds.map((b) => sql`${b}`));
    await sql`DELETE FROM search_fts WHERE rowid IN (SELECT id FROM search_docs WHERE blob_id IN (${ids}))`.execute(
      trx,
    );
    await sql`DELETE FROM search_docs WHERE blob_id IN (${ids})`.execute(trx);
  });
}
