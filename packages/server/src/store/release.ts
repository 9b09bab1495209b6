import { setImmediate } from 'node:timers/promises';
import type { ExpressionBuilder } from 'kysely';
import type { Logger } from '../telemetry/index.js';
import { blobIdTime, type LocalBlobStore, STALE_FILE_MS } from './blobs.js';
import type { Database } from './db.js';
import type { DB } from './schema.js';
import type { BlobStore } from './types.js';

/** Blob ids per reference query; far below both engines' bound-parameter limits. */
const IDS_PER_QUERY = 1000;

/**
 * Of `blobIds`, those some row references: a message in a mailbox, or a
 * message waiting in the outbound queue, or one held in quarantine (the only holders of blob ids).
 */
async function referenced(database: Database, blobIds: readonly string[]): Promise<Set<string>> {
  const rows = await database.db
    .selectFrom('messages')
    .select('blob_id')
    .where('blob_id', 'in', blobIds)
    .union((eb) => eb.selectFrom('queue_messages').select('blob_id').where('blob_id', 'in', blobIds))
    .union((eb) => eb.selectFrom('quarantine').select('blob_id').where('blob_id', 'in', blobIds))
    .execute();
  return new Set(rows.map((r) => r.blob_id));
}

/**
 * Removes the bodies of `blobIds` that no message row and no queued message
 * references any more (one blob can back several recipients' rows and the queue). Call after the deleting
 * transaction has committed, so a rollback never loses a body. Failures are
 * logged, not thrown: the rows are already gone, and a leftover body costs
 * space, not correctness.
 */
export async function releaseBlobs(
  deps: { database: Database; blobs: Pick<BlobStore, 'remove'>; log?: Logger },
  blobIds: readonly string[],
): Promise<void> {
  const ids = [...new Set(blobIds)];
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
    const chunk = ids.slice(i, i + IDS_PER_QUERY);
    try {
      const inUse = await referenced(deps.database, chunk);
      for (const blobId of chunk) if (!inUse.has(blobId)) await removeQuietly(deps, blobId);
    } catch (e) {
      deps.log?.warn({ err: e, count: chunk.length }, 'could not check blob references; files kept');
    }
  }
}

async function removeQuietly(
  deps: { blobs: Pick<BlobStore, 'remove'>; log?: Logger },
  blobId: string,
): Promise<void> {
  try {
    await deps.blobs.remove(blobId);
  } catch (e) {
    deps.log?.warn({ err: e, blobId }, 'could not remove an unreferenced blob');
  }
}

/** What one sweep of the body files found. */
export interface BlobSweepResult {
  /** Body files old enough to be judged. */
  checked: number;
  /** Of those, the ones no message referenced, now removed. */
  removed: number;
  /** Temp files of dead writers, removed. */
  tempRemoved: number;
  /** Bodies stored in the database that no message references, removed. */
  bodyRowsRemoved: number;
}

/**
 * Deletes the database-stored bodies no message references, a page of ids at
 * a time so no statement holds the write lock for long. They are left by a
 * crash between a delete's commit and its release. Any age will do: the
 * committer inserts a body in the transaction of its rows, so a committed body
 * without rows has lost them for good; the check is in the DELETE itself.
 */
async function sweepBodyRows(database: Database, signal?: AbortSignal): Promise<number> {
  const { db } = database;
  const unreferenced = ({ and, not, exists, selectFrom }: ExpressionBuilder<DB, 'message_bodies'>) =>
    and([
      not(
        exists(
          selectFrom('messages').select('id').whereRef('messages.blob_id', '=', 'message_bodies.blob_id'),
        ),
      ),
      not(
        exists(
          selectFrom('queue_messages')
            .select('id')
            .whereRef('queue_messages.blob_id', '=', 'message_bodies.blob_id'),
        ),
      ),
      not(
        exists(
          selectFrom('quarantine').select('id').whereRef('quarantine.blob_id', '=', 'message_bodies.blob_id'),
        ),
      ),
    ]);
  let removed = 0;
  let after = '';
  while (!signal?.aborted) {
    const page = await db
      .selectFrom('message_bodies')
      .select('blob_id')
      .where('blob_id', '>', after)
      .orderBy('blob_id')
      .limit(IDS_PER_QUERY)
      .execute();
    const last = page.at(-1);
    if (!last) return removed;
    after = last.blob_id;
    // Read first: nearly every page has none, and a DELETE would take the write lock the committer needs.
    const ids = page.map((r) => r.blob_id);
    const orphans = await db
      .selectFrom('message_bodies')
      .select('blob_id')
      .where('blob_id', 'in', ids)
      .where(unreferenced)
      .execute();
    if (orphans.length > 0) {
      const result = await db
        .deleteFrom('message_bodies')
        .where(
          'blob_id',
          'in',
          orphans.map((r) => r.blob_id),
        )
        .where(unreferenced)
        .executeTakeFirst();
      removed += Number(result.numDeletedRows);
    }
    await yieldToEventLoop();
  }
  return removed;
}

/**
 * Lets the event loop run between pages of a sweep. On SQLite each query runs
 * synchronously and Kysely's promises resolve as microtasks, so without this a
 * sweep of a million rows held the loop — SMTP, the API — for seconds: at
 * start, where it made a large server look slow to come up.
 */
const yieldToEventLoop = () => setImmediate();

/**
 * Removes body files that no message references and that nothing has written
 * for STALE_FILE_MS, stale temp files, and database-stored bodies no message
 * references (see `sweepBodyRows`). A crash leaves body files behind: one
 * between a delivery's move into place and its commit, or between a delete's
 * commit and its unlink. Files younger than that are left alone, so a
 * delivery in progress (its file in place, its rows not yet committed) is
 * never touched; a file that old without a row can gain none, since only an
 * existing row can lead to a new one (a copy) and a delivery makes a new id.
 * It yields to the event loop as it goes, and ends early once `signal` is aborted
 * (a stopping server does not wait for a sweep of a large store).
 */
export async function sweepUnreferencedBlobs(
  deps: { database: Database; files: LocalBlobStore; log?: Logger },
  now: () => number = Date.now,
  signal?: AbortSignal,
): Promise<BlobSweepResult> {
  const result: BlobSweepResult = {
    checked: 0,
    removed: 0,
    tempRemoved: deps.files.sweepTemp(),
    bodyRowsRemoved: await sweepBodyRows(deps.database, signal),
  };
  const judge = async (chunk: string[]) => {
    result.checked += chunk.length;
    const inUse = await referenced(deps.database, chunk);
    const cutoff = now() - STALE_FILE_MS;
    for (const blobId of chunk) {
      if (inUse.has(blobId)) continue;
      const written = await deps.files.modifiedAt(blobId);
      if (written === undefined || written >= cutoff) continue;
      await removeQuietly({ blobs: deps.files, log: deps.log }, blobId);
      result.removed += 1;
    }
  };
  let chunk: string[] = [];
  for await (const blobId of deps.files.list()) {
    if (signal?.aborted) return result;
    // The id is made before the file is written: a young id means a young file, not worth a query.
    if (blobIdTime(blobId) >= now() - STALE_FILE_MS) continue;
    chunk.push(blobId);
    if (chunk.length === IDS_PER_QUERY) {
      await judge(chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0 && !signal?.aborted) await judge(chunk);
  return result;
}
