/**
 * Group commit for attempt records. Each record is its own durable
 * transaction in `recordAttempt`; on SQLite that is one fsync per delivered
 * message, made on the main thread (better-sqlite3 is synchronous), which
 * held up every SMTP session and the next claims meanwhile (bench/README.md,
 * "outbound"). Here the records that arrive while one batch commits go
 * together in the next: one transaction, one fsync, for all of them.
 *
 * Each record keeps its own answer: a record whose lease is gone rejects
 * with LeaseLost and changes nothing (its first statement matched no row),
 * the others commit. Should the batch's transaction fail for another reason,
 * each record is written again alone, so that one bad record never costs the
 * others theirs.
 */
import { appendEvents, type Database } from '../store/index.js';
import { type AttemptRecord, LeaseLost, recordAttempt, writeAttempt } from './record.js';

export interface AttemptRecorder {
  /** recordAttempt, committed with whatever other records are waiting. */
  record(r: AttemptRecord): Promise<{ releasedBlob: string | null }>;
}

interface Waiting {
  r: AttemptRecord;
  resolve(value: { releasedBlob: string | null }): void;
  reject(err: unknown): void;
}

type Written = { ok: { releasedBlob: string | null } } | { lost: LeaseLost };

/** Records at most this many attempts per transaction (a bound on how long one holds the write lock). */
const MAX_BATCH = 256;

export function createAttemptRecorder(database: Database, owner: string): AttemptRecorder {
  let waiting: Waiting[] = [];
  let busy = false;

  async function writeBatch(batch: Waiting[]): Promise<void> {
    let written: Written[];
    try {
      written = await database.db.transaction().execute(async (trx) => {
        const out: Written[] = [];
        for (const w of batch) {
          try {
            out.push({ ok: await writeAttempt(trx, owner, w.r) });
          } catch (err) {
            if (!(err instanceof LeaseLost)) throw err;
            out.push({ lost: err });
          }
        }
        // Once, last: the events of the records that were written (a lost lease wrote nothing).
        const kept = batch.filter((_, i) => {
          const result = out[i];
          return result !== undefined && 'ok' in result;
        });
        await appendEvents(
          trx,
          kept.flatMap((w) => w.r.events ?? []),
        );
        return out;
      });
    } catch (err) {
      if (batch.length === 1) return batch[0]?.reject(err);
      // One at a time: only the record that cannot be written fails.
      for (const w of batch) await recordAttempt(database, owner, w.r).then(w.resolve, w.reject);
      return;
    }
    batch.forEach((w, i) => {
      const result = written[i];
      if (result && 'ok' in result) w.resolve(result.ok);
      else w.reject(result?.lost ?? new LeaseLost(w.r.jobId));
    });
  }

  async function drain(): Promise<void> {
    busy = true;
    try {
      while (waiting.length > 0) {
        const batch = waiting.slice(0, MAX_BATCH);
        waiting = waiting.slice(MAX_BATCH);
        await writeBatch(batch);
      }
    } finally {
      busy = false;
    }
  }

  return {
    record(r) {
      return new Promise((resolve, reject) => {
        waiting.push({ r, resolve, reject });
        // The records of the attempts that end in this turn of the event loop join this one.
        if (!busy) {
          busy = true;
          setImmediate(() => void drain());
        }
      });
    },
  };
}
