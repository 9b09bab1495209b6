import { AppError, isAppError } from '../shared/index.js';
import type { Logger } from '../telemetry/index.js';
import { assertBlobId, type LocalBlobStore } from './blobs.js';
import { createRowWriter } from './commit-rows.js';
import type { Database } from './db.js';
import type { Executor } from './mailboxes.js';
import { releaseBlobs } from './release.js';
import type { DeliveryInput, Placed } from './types.js';

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

/** A committed delivery: message ids and placements in target order. */
export interface Delivered {
  messageIds: string[];
  placed: Placed[];
}

/** The single writer of new messages: queues deliveries and commits them in batches. */
export interface Committer {
  submit(input: DeliveryInput): Promise<Delivered>;
  readonly stats: Readonly<CommitStats>;
  /** Rejects new deliveries and resolves once every queued one is settled. */
  close(): Promise<void>;
}

interface Pending {
  input: DeliveryInput;
  resolve(value: Delivered): void;
  reject(error: unknown): void;
  /** Mailbox id per target, filled in before the blob is committed. */
  mailboxIds?: string[];
  /** The owner's address per target, filled in with `mailboxIds`. */
  owners?: string[];
  /** Placement per target, once its rows are committed. */
  placed?: Placed[];
}

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
  if (input.targets.length === 0 && !input.outbound && !input.quarantine?.length)
    throw new AppError('VALIDATION_FAILED', 'a delivery needs at least one target or outbound rows');
  if (input.outbound && input.outbound.domains.length === 0)
    throw new AppError('VALIDATION_FAILED', 'outbound rows need at least one destination');
  if (!Number.isSafeInteger(input.blob.size) || input.blob.size < 0) {
    throw new AppError('VALIDATION_FAILED', 'blob size must be a non-negative integer');
  }
}

const boxKey = (userId: string, name: string) => `${userId}\u0000${name}`;

/** Looks up every target's mailbox in one query; each delivery with a missing mailbox is returned as failed. */
async function resolveMailboxes(db: Executor, batch: Pending[]): Promise<Map<Pending, AppError>> {
  const userIds = [...new Set(batch.flatMap((p) => p.input.targets.map((t) => t.userId)))];
  // A batch of queue-only deliveries (no local copy) has no mailbox to look up.
  const rows =
    userIds.length === 0
      ? []
      : await db
          .selectFrom('mailboxes')
          .innerJoin('users', 'users.id', 'mailboxes.user_id')
          .select(['mailboxes.id', 'mailboxes.user_id', 'mailboxes.name', 'users.address'])
          .where('mailboxes.user_id', 'in', userIds)
          .execute();
  const ids = new Map(rows.map((r) => [boxKey(r.user_id, r.name), r.id]));
  // The owner's address goes into the `message.new` event of each placed copy.
  const owners = new Map(rows.map((r) => [r.user_id, r.address]));
  const failed = new Map<Pending, AppError>();
  for (const p of batch) {
    const found = p.input.targets.map((t) => ids.get(boxKey(t.userId, t.mailbox ?? 'INBOX')));
    if (found.every((id) => id !== undefined)) {
      p.mailboxIds = found as string[];
      p.owners = p.input.targets.map((t) => owners.get(t.userId) as string);
    } else failed.set(p, new AppError('MAILBOX_NOT_FOUND', 'target mailbox not found'));
  }
  return failed;
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
  const write = createRowWriter(database, options.ownConnection ?? false);

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
      for (const [i, p] of ready.entries()) p.placed = ids[i] as Placed[];
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
    for (const p of done) {
      const placed = p.placed as Placed[];
      p.resolve({ messageIds: placed.map((x) => x.messageId), placed });
    }
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
