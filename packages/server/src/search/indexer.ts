import { setImmediate as yieldToEvents } from 'node:timers/promises';
import type { BlobStore, Database } from '../store/index.js';
import type { Logger } from '../telemetry/index.js';
import { EMPTY_DOCUMENT, MAX_MESSAGE_BYTES, type SearchDocument, searchDocument } from './document.js';
import { postgresForget, postgresWrite } from './engine-postgres.js';
import { sqliteForget, sqliteWrite } from './engine-sqlite.js';

/** Bodies read and written per index transaction. */
const BATCH = 64;
/** Messages looked at per backfill query. */
const BACKFILL_PAGE = 500;
/** Wait before a batch whose write failed (a busy or restarting database) is tried again. */
const RETRY_MS = 2000;

export interface SearchIndexerDeps {
  database: Database;
  blobs: Pick<BlobStore, 'read'>;
  log?: Logger;
  now?: () => number;
}

/**
 * Keeps the search index up to date, off the delivery path: a delivery (or APPEND) hands over
 * its blob id after its commit (`enqueue`), and the indexer reads the body, cuts its words and
 * writes them in batches, usually within milliseconds. Nothing is lost to a crash: `start`
 * first indexes every message whose body has no document (all of them, the first time the
 * index exists), a page at a time, in the background.
 */
export interface SearchIndexer {
  /** Bodies stored and committed: index them soon. Never throws, never waits. */
  enqueue(blobIds: readonly string[]): void;
  /** Bodies removed: drop their documents. */
  forget(blobIds: readonly string[]): Promise<void>;
  /** Starts the backfill (and accepts work); returns at once. */
  start(): void;
  /** Stops after the current batch. */
  stop(): Promise<void>;
  /** Resolves once everything enqueued so far (and the backfill) is indexed; for tests and benches. */
  idle(): Promise<void>;
  /** Indexes these bodies now (the bench, the backfill). */
  indexBlobs(blobIds: readonly string[]): Promise<void>;
}

/** The first MAX_MESSAGE_BYTES of a body; null when it is gone. */
async function readHead(blobs: Pick<BlobStore, 'read'>, blobId: string): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of blobs.read(blobId, { start: 0, end: MAX_MESSAGE_BYTES }))
      chunks.push(chunk as Buffer);
  } catch {
    return null; // removed meanwhile (deleted, expunged): nothing to index
  }
  return Buffer.concat(chunks);
}

export function createSearchIndexer(deps: SearchIndexerDeps): SearchIndexer {
  const { database, blobs } = deps;
  const log = deps.log?.child({ component: 'search' });
  const now = deps.now ?? Date.now;
  const write = database.engine === 'postgres' ? postgresWrite : sqliteWrite;
  const pending = new Set<string>();
  let running: Promise<void> | null = null;
  let backfill: Promise<void> | null = null;
  let stopped = false;
  let started = false;

  async function indexBlobs(blobIds: readonly string[]): Promise<void> {
    const docs: Array<{ blobId: string; doc: SearchDocument }> = [];
    for (const blobId of new Set(blobIds)) {
      const raw = await readHead(blobs, blobId);
      if (raw) docs.push({ blobId, doc: await searchDocument(raw) });
    }
    try {
      await write(database, docs, now());
    } catch (err) {
      if (docs.length === 0) throw err;
      await writeOneByOne(docs);
    }
  }

  /**
   * After a batch failed: each document alone, and one the database refuses even alone as an
   * empty document, so that it is not tried again at every start (it is found by its filters
   * only). A database that refuses everything throws from here: the batch is tried again later.
   */
  async function writeOneByOne(docs: Array<{ blobId: string; doc: SearchDocument }>): Promise<void> {
    for (const one of docs) {
      try {
        await write(database, [one], now());
      } catch (err) {
        log?.warn({ err, blobId: one.blobId }, 'a message could not be indexed; it is indexed empty');
        await write(database, [{ blobId: one.blobId, doc: EMPTY_DOCUMENT }], now());
      }
    }
  }

  async function drain(): Promise<void> {
    while (pending.size > 0 && !stopped) {
      const batch = [...pending].slice(0, BATCH);
      for (const id of batch) pending.delete(id);
      try {
        await indexBlobs(batch);
      } catch (err) {
        log?.warn({ err, count: batch.length }, 'could not write to the search index; trying again');
        for (const id of batch) pending.add(id);
        await new Promise((r) => setTimeout(r, RETRY_MS).unref());
      }
    }
  }

  function kick(): void {
    if (running || stopped || !started) return;
    running = drain().finally(() => {
      running = null;
      if (pending.size > 0) kick();
    });
  }

  /** Every message whose body has no document yet, by message id, a page at a time. */
  async function runBackfill(): Promise<void> {
    let after = '';
    let indexed = 0;
    while (!stopped) {
      const rows = await database.db
        .selectFrom('messages as m')
        .select(['m.id', 'm.blob_id'])
        .where('m.id', '>', after)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('search_docs as d').select('d.blob_id').whereRef('d.blob_id', '=', 'm.blob_id'),
            ),
          ),
        )
        .orderBy('m.id')
        .limit(BACKFILL_PAGE)
        .execute();
      for (let i = 0; i < rows.length && !stopped; i += BATCH)
        await indexBlobs(rows.slice(i, i + BATCH).map((r) => r.blob_id));
      indexed += rows.length;
      if (rows.length < BACKFILL_PAGE) break;
      after = rows[rows.length - 1]?.id ?? after;
      await yieldToEvents();
    }
    if (indexed > 0) log?.info({ messages: indexed }, 'search index backfilled');
  }

  return {
    enqueue(blobIds) {
      for (const id of blobIds) pending.add(id);
      kick();
    },
    forget: (blobIds) =>
      (database.engine === 'postgres' ? postgresForget : sqliteForget)(database, blobIds).catch((err) =>
        log?.warn({ err, count: blobIds.length }, 'could not remove search documents; they find nothing'),
      ),
    start() {
      if (started) return;
      started = true;
      backfill = runBackfill().catch((err) => log?.error({ err }, 'the search index backfill failed'));
      kick();
    },
    async stop() {
      stopped = true;
      await Promise.all([running, backfill]);
    },
    async idle() {
      await backfill;
      while (running || (pending.size > 0 && !stopped)) {
        kick();
        await running;
      }
    },
    indexBlobs,
  };
}
