/**
 * What an attempt changes in the queue, in one transaction per job: each
 * recipient's answer, and the job rescheduled — or, once no recipient waits,
 * the job's rows gone, and the message's too when it was its last job (its
 * body is then released by the caller, after the commit).
 */
import {
  appendEvents,
  type Database,
  deliveryEvent,
  type Executor,
  type NewEvent,
  type QueueRecipientState,
} from '../store/index.js';

/** One recipient's answer in this attempt. */
export interface RecipientOutcome {
  address: string;
  state: Exclude<QueueRecipientState, 'pending'>;
  code: number | null;
  enhanced: string | null;
  response: string;
  remoteHost: string | null;
  /** Given up because the message outlived `queue.maxAgeHours` (traced as `expired`). */
  expired?: boolean;
}

export interface AttemptRecord {
  jobId: string;
  queueMessageId: string;
  /** Every recipient tried (or given up) in this attempt. */
  outcomes: RecipientOutcome[];
  /** Recipients still waiting after it; 0 finishes the job. */
  remaining: number;
  nextAttemptAt: number;
  /** The answer shown as the job's last error. */
  lastError: { code: number | null; enhanced: string | null; response: string } | null;
  delayNotified: boolean;
  now: number;
  /** The attempt's `delivery.*` events, written by the transaction that records it (last, see `appendEvents`). */
  events?: NewEvent[];
}

/** The job is no longer this worker's: an operator removed it, or (PostgreSQL) its lease ran out and another node took it. */
export class LeaseLost extends Error {
  constructor(jobId: string) {
    super(`queue job ${jobId} is no longer held by this worker`);
  }
}

/** Deletes the message row once it has no job left; returns its blob id, to release after the commit. */
async function dropMessageIfDone(trx: Executor, queueMessageId: string): Promise<string | null> {
  const left = await trx
    .selectFrom('queue_domains')
    .select('id')
    .where('queue_message_id', '=', queueMessageId)
    .limit(1)
    .executeTakeFirst();
  if (left) return null;
  const message = await trx
    .deleteFrom('queue_messages')
    .where('id', '=', queueMessageId)
    .returning('blob_id')
    .executeTakeFirst();
  return message?.blob_id ?? null;
}

/**
 * Records an attempt of a job `owner` holds. Throws LeaseLost (and changes
 * nothing) when it holds it no more. Returns the blob to release, if the
 * message left the queue.
 */
export async function recordAttempt(
  database: Database,
  owner: string,
  r: AttemptRecord,
): Promise<{ releasedBlob: string | null }> {
  return database.db.transaction().execute(async (trx) => {
    const written = await writeAttempt(trx, owner, r);
    await appendEvents(trx, r.events ?? []);
    return written;
  });
}

/** recordAttempt's statements, in the caller's transaction (several attempts share one: record-batch.ts). */
export async function writeAttempt(
  trx: Executor,
  owner: string,
  r: AttemptRecord,
): Promise<{ releasedBlob: string | null }> {
  if (r.remaining === 0) {
    const gone = await trx
      .deleteFrom('queue_domains')
      .where('id', '=', r.jobId)
      .where('lease_owner', '=', owner)
      .where('state', '=', 'sending')
      .executeTakeFirst();
    if (Number(gone.numDeletedRows) === 0) throw new LeaseLost(r.jobId);
    await trx.deleteFrom('queue_recipients').where('queue_domain_id', '=', r.jobId).execute();
    return { releasedBlob: await dropMessageIfDone(trx, r.queueMessageId) };
  }
  const updated = await trx
    .updateTable('queue_domains')
    .set((eb) => ({
      state: 'deferred',
      attempts: eb('attempts', '+', 1),
      next_attempt_at: r.nextAttemptAt,
      lease_owner: null,
      lease_until: null,
      last_code: r.lastError?.code ?? null,
      last_enhanced: r.lastError?.enhanced ?? null,
      last_response: r.lastError?.response ?? null,
      last_attempt_at: r.now,
      delay_notified: r.delayNotified ? 1 : 0,
      updated_at: r.now,
    }))
    .where('id', '=', r.jobId)
    .where('lease_owner', '=', owner)
    .where('state', '=', 'sending')
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) throw new LeaseLost(r.jobId);
  for (const o of r.outcomes) {
    await trx
      .updateTable('queue_recipients')
      .set({
        state: o.state,
        code: o.code,
        enhanced: o.enhanced,
        response: o.response,
        remote_host: o.remoteHost,
        updated_at: r.now,
      })
      .where('queue_domain_id', '=', r.jobId)
      .where('address', '=', o.address)
      .execute();
  }
  return { releasedBlob: null };
}

/**
 * Takes a job out of the queue whatever its state (an operator's DELETE).
 * Returns the recipients that were still waiting, and the blob to release.
 * An attempt in flight then finds its lease lost and records nothing.
 */
export async function removeJob(
  database: Database,
  jobId: string,
): Promise<{
  removed: boolean;
  waiting: string[];
  queueMessageId: string | null;
  releasedBlob: string | null;
}> {
  return database.db.transaction().execute(async (trx) => {
    const job = await trx
      .deleteFrom('queue_domains')
      .where('id', '=', jobId)
      .returning(['queue_message_id', 'domain', 'attempts'])
      .executeTakeFirst();
    if (!job) return { removed: false, waiting: [], queueMessageId: null, releasedBlob: null };
    const recipients = await trx
      .deleteFrom('queue_recipients')
      .where('queue_domain_id', '=', jobId)
      .returning(['address', 'state'])
      .execute();
    const waiting = recipients
      .filter((x) => x.state === 'pending' || x.state === 'deferred')
      .map((x) => x.address)
      .sort();
    const message = await trx
      .selectFrom('queue_messages')
      .selectAll()
      .where('id', '=', job.queue_message_id)
      .executeTakeFirst();
    const releasedBlob = await dropMessageIfDone(trx, job.queue_message_id);
    // The recipients still waiting will never be delivered: they failed, by an operator's hand.
    if (message && waiting.length > 0)
      await appendEvents(trx, [
        deliveryEvent('delivery.failed', message, { id: jobId, domain: job.domain }, waiting, {
          attempts: Number(job.attempts),
          code: null,
          enhanced: '5.0.0',
          response: 'removed from the queue by an administrator',
          remoteHost: null,
        }),
      ]);
    return { removed: true, waiting, queueMessageId: job.queue_message_id, releasedBlob };
  });
}
