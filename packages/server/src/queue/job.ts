/** One claimed job, start to end: expiry, signing, the attempt, notices, and the record of it. */
import { Readable } from 'node:stream';
import type { QueueConfig } from '../config/queue-schema.js';
import type {
  Database,
  QueueDomainsTable,
  QueueMessagesTable,
  QueueRecipientsTable,
} from '../store/index.js';
import { attemptEvents } from './attempt-events.js';
import type { DsnRecipient } from './dsn.js';
import { mayNotify, type NoticeDeps, readHeaderSection, sendNotice } from './notices.js';
import { type AttemptRecord, LeaseLost, type RecipientOutcome, recordAttempt } from './record.js';
import type { AttemptRecorder } from './record-batch.js';
import { nextAttemptAt } from './retry.js';
import type { DkimSigner, RecipientResult, Transport } from './types.js';

export interface JobDeps extends NoticeDeps {
  database: Database;
  transport: Transport;
  signer?: DkimSigner;
  /** This worker's id: the lease owner. */
  owner: string;
  config: Pick<QueueConfig, 'retryScheduleSeconds' | 'delayNoticeHours'>;
  releaseBlobs(blobIds: string[]): Promise<void>;
  /** Commits attempt records together (the worker's); without it each is its own transaction. */
  recorder?: AttemptRecorder;
  now(): number;
  random?: () => number;
}

/** What a job's attempt starts from: its message and the recipients still waiting. */
async function load(database: Database, job: QueueDomainsTable) {
  const message = await database.db
    .selectFrom('queue_messages')
    .selectAll()
    .where('id', '=', job.queue_message_id)
    .executeTakeFirst();
  const waiting = await database.db
    .selectFrom('queue_recipients')
    .selectAll()
    .where('queue_domain_id', '=', job.id)
    .where('state', 'in', ['pending', 'deferred'])
    .orderBy('address')
    .execute();
  return { message, waiting };
}

/** The body as the transport sends it: the DKIM-Signature (if any) then the stored bytes. */
async function bodyOf(deps: JobDeps, message: QueueMessagesTable): Promise<() => Readable> {
  const stored = () => deps.store.blobs.read(message.blob_id);
  const fromDomain = message.sender_domain || deps.hostname;
  const signature = deps.signer ? await deps.signer.sign({ fromDomain, body: stored }) : null;
  if (!signature) return stored;
  return () =>
    Readable.from(
      (async function* () {
        yield Buffer.from(signature);
        yield* stored();
      })(),
    );
}

/** Asks the transport; a transport that throws (it should not) defers every recipient with the reason. */
async function attempt(
  deps: JobDeps,
  job: QueueDomainsTable,
  message: QueueMessagesTable,
  waiting: QueueRecipientsTable[],
  signal?: AbortSignal,
): Promise<{ results: RecipientResult[]; tls: boolean }> {
  const addresses = waiting.map((r) => r.address);
  try {
    const body = await bodyOf(deps, message);
    const answer = await deps.transport.deliver(
      {
        id: job.id,
        domain: job.domain,
        mailFrom: message.mail_from,
        recipients: addresses,
        size: Number(message.size),
        smtputf8: !!message.smtputf8,
        body,
      },
      signal,
    );
    const byAddress = new Map(answer.recipients.map((r) => [r.address.toLowerCase(), r]));
    const results = addresses.map(
      (address): RecipientResult =>
        byAddress.get(address.toLowerCase()) ?? {
          address,
          status: 'deferred',
          code: null,
          enhanced: null,
          response: 'the delivery attempt gave no answer for this recipient',
          remoteHost: null,
        },
    );
    return { results, tls: answer.tls };
  } catch (err) {
    deps.log?.warn({ err, job: job.id }, 'delivery attempt failed');
    const response = `delivery attempt failed: ${(err as Error).message ?? String(err)}`;
    return {
      results: addresses.map((address) => ({
        address,
        status: 'deferred',
        code: null,
        enhanced: null,
        response,
        remoteHost: null,
      })),
      tls: false,
    };
  }
}

/** A recipient given up because the message is too old; its last answer is kept as the reason. */
function expired(
  r: { address: string; code: number | null; response: string | null; remoteHost: string | null },
  maxAgeMs: number,
): RecipientOutcome {
  const hours = Math.round((maxAgeMs / 3600_000) * 10) / 10;
  return {
    address: r.address,
    state: 'failed',
    code: r.code,
    enhanced: '4.4.7',
    response: `delivery time expired: not delivered after ${hours} hours${r.response ? `; last answer: ${r.response}` : ''}`,
    remoteHost: r.remoteHost,
    expired: true,
  };
}

const toDsn = (o: RecipientOutcome, at: number): DsnRecipient => ({
  address: o.address,
  code: o.code,
  enhanced: o.enhanced,
  response: o.response,
  remoteHost: o.remoteHost,
  lastAttemptAt: at,
});

/**
 * Runs one claimed job. Never throws: every failure is logged, and a job
 * whose outcome could not be recorded falls due again when its lease ends.
 */
export async function runJob(deps: JobDeps, job: QueueDomainsTable, signal?: AbortSignal): Promise<void> {
  try {
    await runJobOrThrow(deps, job, signal);
  } catch (err) {
    if (err instanceof LeaseLost)
      deps.log?.info({ job: job.id }, 'queue job was taken away during its attempt');
    else deps.log?.error({ err, job: job.id }, 'queue job failed; it is retried when its lease ends');
  }
}

async function runJobOrThrow(deps: JobDeps, job: QueueDomainsTable, signal?: AbortSignal): Promise<void> {
  const { message, waiting } = await load(deps.database, job);
  if (!message || waiting.length === 0) {
    // Rows half gone (an operator removed the message meanwhile): finish the job as it stands.
    await record(deps, finished(job, [], deps.now()));
    return;
  }
  const started = deps.now();
  const expiresAt = Number(message.expires_at);
  let outcomes: RecipientOutcome[];
  let tls = false;
  const maxAgeMs = expiresAt - Number(message.created_at);
  if (started >= expiresAt) {
    outcomes = waiting.map((r) =>
      expired(
        {
          address: r.address,
          code: r.code === null ? null : Number(r.code),
          response: r.response,
          remoteHost: r.remote_host,
        },
        maxAgeMs,
      ),
    );
  } else {
    const answer = await attempt(deps, job, message, waiting, signal);
    tls = answer.tls;
    outcomes = answer.results.map((r) => ({
      address: r.address,
      state: r.status,
      code: r.code,
      enhanced: r.enhanced,
      response: r.response,
      remoteHost: r.remoteHost,
    }));
  }
  const now = deps.now();
  // Temporary failures past the message's lifetime are final.
  if (now >= expiresAt) outcomes = outcomes.map((o) => (o.state === 'deferred' ? expired(o, maxAgeMs) : o));
  const failed = outcomes.filter((o) => o.state === 'failed');
  const deferred = outcomes.filter((o) => o.state === 'deferred');
  const noticeDue =
    deferred.length > 0 &&
    !job.delay_notified &&
    deps.config.delayNoticeHours > 0 &&
    now - Number(message.created_at) >= deps.config.delayNoticeHours * 3600_000 &&
    mayNotify(message);
  if ((failed.length > 0 || noticeDue) && mayNotify(message)) {
    // Notices first, then the record: a crash between the two sends a notice twice, never none.
    const headers = await readHeaderSection(deps.store.blobs.read(message.blob_id));
    if (failed.length > 0)
      await sendNotice(
        deps,
        message,
        'failed',
        failed.map((o) => toDsn(o, now)),
        headers,
        now,
      );
    if (noticeDue)
      await sendNotice(
        deps,
        message,
        'delayed',
        deferred.map((o) => toDsn(o, now)),
        headers,
        now,
      );
  }
  const attemptRecord: AttemptRecord =
    deferred.length === 0
      ? finished(job, outcomes, now)
      : {
          jobId: job.id,
          queueMessageId: job.queue_message_id,
          outcomes,
          remaining: deferred.length,
          nextAttemptAt: nextAttemptAt(
            now,
            Number(job.attempts) + 1,
            expiresAt,
            deps.config.retryScheduleSeconds,
            deps.random,
          ),
          lastError: deferred[0] ?? null,
          delayNotified: !!job.delay_notified || noticeDue,
          now,
        };
  const bounced = failed.length > 0 && mayNotify(message);
  attemptRecord.events = attemptEvents(job, message, outcomes, {
    nextAttemptAt: attemptRecord.nextAttemptAt,
    bounced,
  });
  const { releasedBlob } = await record(deps, attemptRecord);
  traceOutcomes(deps, job, message, outcomes, { tls, now });
  if (releasedBlob) await deps.releaseBlobs([releasedBlob]);
}

const record = (deps: JobDeps, r: AttemptRecord) =>
  deps.recorder ? deps.recorder.record(r) : recordAttempt(deps.database, deps.owner, r);

function finished(job: QueueDomainsTable, outcomes: RecipientOutcome[], now: number): AttemptRecord {
  return {
    jobId: job.id,
    queueMessageId: job.queue_message_id,
    outcomes,
    remaining: 0,
    nextAttemptAt: now,
    lastError: null,
    delayNotified: !!job.delay_notified,
    now,
  };
}

function traceOutcomes(
  deps: JobDeps,
  job: QueueDomainsTable,
  message: QueueMessagesTable,
  outcomes: RecipientOutcome[],
  how: { tls: boolean; now: number },
): void {
  for (const o of outcomes) {
    const event = o.expired ? 'expired' : o.state;
    deps.trace?.record({
      at: how.now,
      event,
      messageId: message.header_message_id,
      queueId: job.id,
      sender: message.mail_from,
      recipient: o.address,
      detail: {
        ...(o.code !== null ? { code: o.code } : {}),
        ...(o.enhanced ? { enhanced: o.enhanced } : {}),
        response: o.response,
        ...(o.remoteHost ? { remoteHost: o.remoteHost } : {}),
        ...(event === 'delivered' ? { tls: how.tls } : {}),
      },
    });
  }
}
