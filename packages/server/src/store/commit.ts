import { AppError, isAppError, newId } from '../shared/index.js';
import type { Logger } from '../telemetry/index.js';
import { assertBlobId, type LocalBlobStore } from './blobs.js';
import type { Database, SyncStatements } from './db.js';
import type { Executor } from './mailboxes.js';
import { releaseBlobs } from './release.js';
import { newMessageRow, type Placement } from './rows.js';
import type { MessagesTable } from './schema.js';
import type { DeliveryInput } from './types.js';

/** Counters that show whether group commit is actually grouping. */
export interface CommitStats {
  /** Batches taken from the queue; each costs one DB commit and log flush, plus one fsync per directory of body files. */
  flushes: number;
  /** Deliveries that became durable. */
  delivered: number;
  /** Deliveries rejected. */
  rejected: number;
  largestBatch: number;
  /** Batches whose transaction failed and were retried one delivery per transaction. */
  splitBatches: number;
}

export const emptyStats = (): CommitStats => ({
  flushes: 0,
  delivered: 0,
  rejected: 0,
  largestBatch: 0,
  splitBatches: 0,
});

export interface CommitterOptions {
  database: Database;
  /** Where bodies too large for the database go; they are moved into place before the transaction. */
  blobs: LocalBlobStore;
  /** Most deliveries per flush; default 64. */
  maxBatch?: number;
  /**
   * Nothing else uses the database's connection (the committer's thread on SQLite). The
   * transaction then runs synchronously with statements compiled once (`Database.statements`);
   * on a shared connection it goes through Kysely, which orders it with the other users.
   */
  ownConnection?: boolean;
  log?: Logger;
}

/** The single writer of new messages: queues deliveries and commits them in batches. */
export interface Committer {
  submit(input: DeliveryInput): Promise<{ messageIds: string[] }>;
  readonly stats: Readonly<CommitStats>;
  /** Rejects new deliveries and resolves once every queued one is settled. */
  close(): Promise<void>;
}

interface Pending {
  input: DeliveryInput;
  resolve(value: { messageIds: string[] }): void;
  reject(error: unknown): void;
  /** Mailbox id per target, filled in before the blob is committed. */
  mailboxIds?: string[];
  /** Message id per target, once its rows are committed. */
  messageIds?: string[];
}

const ROWS_PER_INSERT = 500;

/** Raw driver errors stay in the log; callers (SMTP, API) get a stable code. */
function translate(error: unknown): AppError {
  if (isAppError(error)) return error;
  const e = new AppError('INTERNAL', 'delivery could not be committed');
  e.cause = error;
  return e;
}

/**
 * The error a delivery gets before anything is queued: the committer is
 * closed, or the input is invalid. Undefined when it may be queued.
 */
export function refusal(closed: boolean, input: DeliveryInput): AppError | undefined {
  if (closed) return new AppError('UNAVAILABLE', 'mail store is closed');
  try {
    validate(input);
  } catch (e) {
    return e as AppError;
  }
  return undefined;
}

/** Throws the validation error a caller should see, before anything is queued. */
function validate(input: DeliveryInput): void {
  assertBlobId(input.blob.blobId);
  if (input.targets.length === 0)
    throw new AppError('VALIDATION_FAILED', 'a delivery needs at least one target');
  if (!Number.isSafeInteger(input.blob.size) || input.blob.size < 0) {
    throw new AppError('VALIDATION_FAILED', 'blob size must be a non-negative integer');
  }
}

const boxKey = (userId: string, name: string) => `${userId}\u0000${name}`;

/** Looks up every target's mailbox in one query; each delivery with a missing mailbox is returned as failed. */
async function resolveMailboxes(db: Executor, batch: Pending[]): Promise<Map<Pending, AppError>> {
  const userIds = [...new Set(batch.flatMap((p) => p.input.targets.map((t) => t.userId)))];
  const rows = await db
    .selectFrom('mailboxes')
    .select(['id', 'user_id', 'name'])
    .where('user_id', 'in', userIds)
    .execute();
  const ids = new Map(rows.map((r) => [boxKey(r.user_id, r.name), r.id]));
  const failed = new Map<Pending, AppError>();
  for (const p of batch) {
    const found = p.input.targets.map((t) => ids.get(boxKey(t.userId, t.mailbox ?? 'INBOX')));
    if (found.every((id) => id !== undefined)) p.mailboxIds = found as string[];
    else failed.set(p, new AppError('MAILBOX_NOT_FOUND', 'target mailbox not found'));
  }
  return failed;
}

interface Totals {
  count: number;
  unread: number;
  size: number;
}

/** Per-mailbox and per-user sums of one batch, so each counter row is updated once. */
function sumBatch(items: Pending[]): { boxes: Map<string, Totals>; users: Map<string, number> } {
  const boxes = new Map<string, Totals>();
  const users = new Map<string, number>();
  for (const p of items) {
    p.input.targets.forEach((t, i) => {
      const id = p.mailboxIds?.[i] as string;
      const box = boxes.get(id) ?? { count: 0, unread: 0, size: 0 };
      box.count += 1;
      box.unread += t.seen ? 0 : 1;
      box.size += p.input.blob.size;
      boxes.set(id, box);
      users.set(t.userId, (users.get(t.userId) ?? 0) + p.input.blob.size);
    });
  }
  return { boxes, users };
}

/**
 * Reserves `t.count` UIDs and modseqs of mailbox `id` and bumps its counters in
 * the same statement. `uid_next = uid_next + n … RETURNING` takes the row lock
 * on PostgreSQL, so nodes sharing the database never hand out one UID twice.
 * Its parameters, in order: `reserveParameters`.
 */
const reserveQuery = (db: Executor, id: string, t: Totals) =>
  db
    .updateTable('mailboxes')
    .set((eb) => ({
      uid_next: eb('uid_next', '+', t.count),
      highest_modseq: eb('highest_modseq', '+', t.count),
      total: eb('total', '+', t.count),
      unread: eb('unread', '+', t.unread),
      size: eb('size', '+', t.size),
    }))
    .where('id', '=', id)
    .returning(['uid_next', 'highest_modseq']);
const reserveParameters = (id: string, t: Totals) => [t.count, t.count, t.count, t.unread, t.size, id];

/** Adds `bytes` to a user's used bytes. Its parameters, in order: bytes, user id. */
const usedBytesQuery = (db: Executor, userId: string, bytes: number) =>
  db
    .updateTable('users')
    .set((eb) => ({ used_bytes: eb('used_bytes', '+', bytes) }))
    .where('id', '=', userId);

type Reserved = Map<string, { uid: number; modseq: number }>;

/** The first UID and modseq of a reservation, from the mailbox row as the reservation left it. */
const firstOf = (row: { uid_next: number | bigint; highest_modseq: number | bigint }, t: Totals) => ({
  uid: Number(row.uid_next) - t.count,
  modseq: Number(row.highest_modseq) - t.count + 1,
});

/**
 * Reserves UIDs and modseqs for every mailbox of the batch, bumping its
 * counters. Rows are locked in id order so two batches cannot deadlock.
 */
async function reserve(trx: Executor, boxes: Map<string, Totals>): Promise<Reserved> {
  const next: Reserved = new Map();
  for (const id of [...boxes.keys()].sort()) {
    const t = boxes.get(id) as Totals;
    const row = await reserveQuery(trx, id, t).executeTakeFirst();
    // Deleted since it was resolved: fail the transaction, the batch is retried item by item.
    if (!row) throw new AppError('MAILBOX_NOT_FOUND', 'target mailbox not found');
    next.set(id, firstOf(row, t));
  }
  return next;
}

/** Builds every row of the batch from the reserved ranges; returns the rows and the message ids per delivery. */
function buildRows(items: Pending[], next: Reserved) {
  const rows: MessagesTable[] = [];
  const ids = items.map((p) =>
    p.input.targets.map((t, i) => {
      const mailboxId = p.mailboxIds?.[i] as string;
      const at = next.get(mailboxId) as { uid: number; modseq: number };
      const place: Placement = {
        id: newId(),
        mailboxId,
        userId: t.userId,
        uid: at.uid++,
        modseq: at.modseq++,
        seen: !!t.seen,
      };
      rows.push(newMessageRow(p.input, place));
      return place.id;
    }),
  );
  return { rows, ids };
}

/** The bodies of the batch small enough for the database, once each (one body serves every target). */
function inlineBodies(items: Pending[]): { blob_id: string; data: Buffer }[] {
  const bodies = new Map<string, Buffer>();
  for (const { input } of items) if (input.blob.data) bodies.set(input.blob.blobId, input.blob.data);
  return [...bodies].map(([blob_id, data]) => ({ blob_id, data }));
}

/** Bodies per INSERT: a few MB at most with the default inline limit. */
const BODIES_PER_INSERT = 32;

/**
 * One durable transaction for the whole batch: inline bodies, UIDs, counters,
 * used bytes, rows. Returns message ids per delivery.
 */
async function writeRows(database: Database, items: Pending[]): Promise<string[][]> {
  const { boxes, users } = sumBatch(items);
  const bodies = inlineBodies(items);
  return database.db.transaction().execute(async (trx) => {
    for (let i = 0; i < bodies.length; i += BODIES_PER_INSERT) {
      await trx
        .insertInto('message_bodies')
        .values(bodies.slice(i, i + BODIES_PER_INSERT))
        .execute();
    }
    const next = await reserve(trx, boxes);
    // Users after mailboxes, in id order: the lock order every store transaction follows.
    for (const userId of [...users.keys()].sort()) {
      await usedBytesQuery(trx, userId, users.get(userId) as number).execute();
    }
    const { rows, ids } = buildRows(items, next);
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
      await trx
        .insertInto('messages')
        .values(rows.slice(i, i + ROWS_PER_INSERT))
        .execute();
    }
    return ids;
  });
}

/**
 * `writeRows` on SQLite: the same statements, compiled once and run
 * synchronously on the committer's connection (`Database.statements`). Building
 * and compiling them with Kysely for every batch cost the committer's thread
 * ≈ 10% of its CPU (bench/README.md); SQLite executes them the same either way.
 */
function sqliteRowWriter(db: Executor, statements: SyncStatements) {
  const insertBody = statements.prepare(
    db.insertInto('message_bodies').values({ blob_id: '', data: new Uint8Array() }),
  );
  const reserveRow = statements.prepare(reserveQuery(db, '', { count: 0, unread: 0, size: 0 }));
  const addUsedBytes = statements.prepare(usedBytesQuery(db, '', 0));
  // Prepared from the first row: its keys, in their order, are the insert's columns.
  let insertMessage:
    | { columns: (keyof MessagesTable)[]; run: (p: readonly unknown[]) => unknown }
    | undefined;

  return (items: Pending[]): string[][] => {
    const { boxes, users } = sumBatch(items);
    const bodies = inlineBodies(items);
    return statements.transaction(() => {
      for (const b of bodies) insertBody([b.blob_id, b.data]);
      const next: Reserved = new Map();
      for (const id of [...boxes.keys()].sort()) {
        const t = boxes.get(id) as Totals;
        const [row] = reserveRow(reserveParameters(id, t));
        if (!row) throw new AppError('MAILBOX_NOT_FOUND', 'target mailbox not found');
        next.set(id, firstOf(row, t));
      }
      for (const userId of [...users.keys()].sort()) addUsedBytes([users.get(userId), userId]);
      const { rows, ids } = buildRows(items, next);
      for (const row of rows) {
        insertMessage ??= {
          columns: Object.keys(row) as (keyof MessagesTable)[],
          run: statements.prepare(db.insertInto('messages').values(row)),
        };
        const { columns, run } = insertMessage;
        run(columns.map((c) => row[c]));
      }
      return ids;
    });
  };
}

/**
 * Removes the body files of rejected deliveries unless a committed row (now or
 * earlier) still references them. Inline bodies need nothing: their insert
 * rolled back with the rows.
 */
async function discardBlobs(options: CommitterOptions, rejected: Pending[], kept: Pending[]): Promise<void> {
  const inUse = new Set(kept.map((p) => p.input.blob.blobId));
  const unused = rejected
    .filter((p) => !p.input.blob.data)
    .map((p) => p.input.blob.blobId)
    .filter((id) => !inUse.has(id));
  await releaseBlobs(options, unused);
}

/**
 * Creates the group committer. A single flusher takes up to `maxBatch`
 * queued deliveries; while it works, new ones queue for the next flush, so
 * under load one directory fsync and one database commit serve many messages.
 */
export function createCommitter(options: CommitterOptions): Committer {
  const maxBatch = Math.max(1, options.maxBatch ?? 64);
  const stats = emptyStats();
  const queue: Pending[] = [];
  let running: Promise<void> | undefined;
  let closed = false;

  const flush = createFlush(options, stats);

  function kick(): void {
    if (running) return;
    running = (async () => {
      // One microtask: deliveries submitted in the same tick join the first batch.
      await Promise.resolve();
      while (queue.length > 0) await flush(queue.splice(0, maxBatch));
    })().finally(() => {
      running = undefined;
      if (queue.length > 0) kick();
    });
  }

  return {
    stats,
    submit(input) {
      const refused = refusal(closed, input);
      if (refused) return Promise.reject(refused);
      return new Promise((resolve, reject) => {
        queue.push({ input, resolve, reject });
        kick();
      });
    },
    async close() {
      closed = true;
      while (running) await running;
    },
  };
}

/**
 * The body of one flush. Never throws: every delivery of the batch is
 * resolved or rejected. Successes resolve once the batch is durable;
 * failures are rejected only after their blobs are cleaned up.
 */
function createFlush(options: CommitterOptions, stats: CommitStats): (batch: Pending[]) => Promise<void> {
  const { database, blobs, log } = options;
  type Failures = Map<Pending, unknown>;
  const sqliteRows =
    options.ownConnection && database.statements
      ? sqliteRowWriter(database.db, database.statements)
      : undefined;
  const write = (ready: Pending[]) => (sqliteRows ? sqliteRows(ready) : writeRows(database, ready));

  /** Resolves mailboxes, then moves body files into place; returns the deliveries still able to commit. */
  async function prepare(batch: Pending[], failures: Failures): Promise<Pending[]> {
    const unknown = await resolveMailboxes(database.db, batch);
    for (const [p, e] of unknown) failures.set(p, e);
    const live = batch.filter((p) => !unknown.has(p));
    const inFiles = live.filter((p) => !p.input.blob.data).map((p) => p.input.blob.blobId);
    const { failed } =
      inFiles.length > 0 ? await blobs.commit(inFiles) : { failed: new Map<string, Error>() };
    for (const p of live) {
      const error = failed.get(p.input.blob.blobId);
      if (error) failures.set(p, error);
    }
    return live.filter((p) => !failures.has(p));
  }

  /** One transaction for all; if it fails, each delivery alone, so one bad delivery cannot sink the others. */
  async function commitRows(ready: Pending[], failures: Failures): Promise<Pending[]> {
    try {
      const ids = await write(ready);
      for (const [i, p] of ready.entries()) p.messageIds = ids[i] as string[];
      return ready;
    } catch (e) {
      if (ready.length === 1) {
        failures.set(ready[0] as Pending, e);
        return [];
      }
      stats.splitBatches += 1;
      log?.warn(
        { err: e, size: ready.length },
        'delivery batch failed; committing its deliveries one by one',
      );
      const done: Pending[] = [];
      for (const p of ready) done.push(...(await commitRows([p], failures)));
      return done;
    }
  }

  return async (batch) => {
    stats.flushes += 1;
    stats.largestBatch = Math.max(stats.largestBatch, batch.length);
    const failures: Failures = new Map();
    let done: Pending[] = [];
    try {
      done = await commitRows(await prepare(batch, failures), failures);
    } catch (e) {
      // Mailbox lookup or a directory fsync failed: nothing of this batch is known durable.
      log?.error({ err: e, size: batch.length }, 'delivery batch failed');
      for (const p of batch) if (!failures.has(p)) failures.set(p, e);
    }
    stats.delivered += done.length;
    stats.rejected += failures.size;
    // Counted first, so whoever a resolution wakes sees this flush in the stats.
    for (const p of done) p.resolve({ messageIds: p.messageIds as string[] });
    if (failures.size > 0) await discardBlobs(options, [...failures.keys()], done);
    // Callers see a stable code only (INTERNAL, or the full disk its cause says); the driver's error
    // itself is logged here, once per flush, since on SQLite it never leaves this thread.
    const unexpected = [...failures.values()].filter((e) => !isAppError(e));
    if (unexpected.length > 0) {
      log?.error({ err: unexpected[0], deliveries: unexpected.length }, 'deliveries could not be committed');
    }
    for (const [p, e] of failures) p.reject(translate(e));
  };
}
