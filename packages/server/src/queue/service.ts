import { hostname as machineHostname } from 'node:os';
import type { Logger } from 'pino';
import type { QueueConfig } from '../config/queue-schema.js';
import { AppError, newId } from '../shared/index.js';
import type { Database, LocalMailStore, OutboundRows } from '../store/index.js';
import type { MessageTrace } from '../trace/index.js';
import { getEntry, listEntries, makeDue } from './entries.js';
import { readHeaderSection, sendNotice } from './notices.js';
import { removeJob } from './record.js';
import type { QueueScope } from './scope.js';
import type { DkimSigner, QueueService, Transport } from './types.js';
import { createWorker, type Worker } from './worker.js';

export interface QueueServiceOptions {
  database: Database;
  /** Where bodies are read from, notices delivered, and finished messages' bodies released. */
  store: Pick<LocalMailStore, 'deliver' | 'blobs' | 'releaseBlobs'>;
  config: QueueConfig;
  /** This server's name: notices' Reporting-MTA and MAILER-DAEMON domain. */
  hostname: string;
  /** Delivers jobs; without one, `start` leaves the queue untouched (mail waits). */
  transport?: Transport;
  signer?: DkimSigner;
  trace?: MessageTrace;
  /** The lease owner's name; default `<machine>:<pid>:<random>`, new for every process. */
  nodeId?: string;
  log?: Logger;
  now?: () => number;
  random?: () => number;
}

/**
 * The outbound queue: the operators' view (list, get, retry, remove, each
 * within the caller's scope) and the worker that delivers.
 */
export function createQueueService(options: QueueServiceOptions): QueueService {
  const { database, config, trace } = options;
  const log = options.log?.child({ component: 'queue' });
  const now = options.now ?? Date.now;
  const owner = options.nodeId ?? `${machineHostname()}:${process.pid}:${newId().slice(-8)}`;
  let worker: Worker | undefined;

  const noticeDeps = {
    store: options.store,
    hostname: options.hostname,
    maxAgeHours: config.maxAgeHours,
    trace,
    log,
    onQueued: (rows: OutboundRows) => enqueued(rows),
  };

  function enqueued(rows: OutboundRows): void {
    const m = rows.message;
    for (const r of rows.recipients) {
      trace?.record({
        at: Number(m.created_at),
        event: 'queued',
        messageId: m.header_message_id,
        queueId: r.queue_domain_id,
        sender: m.mail_from,
        recipient: r.address,
        detail: m.kind === 'mail' ? undefined : { reason: m.kind === 'bounce' ? 'bounce' : 'delay notice' },
      });
    }
    worker?.wake();
  }

  async function remove(id: string, scope: QueueScope, removeOptions?: { bounce?: boolean }): Promise<void> {
    const entry = await getEntry(database, id, scope);
    const message = await database.db
      .selectFrom('queue_messages')
      .selectAll()
      .where('id', '=', entry.queueMessageId)
      .executeTakeFirst();
    // The original headers are read before the rows (and maybe the body) go.
    const headers =
      removeOptions?.bounce && message
        ? await readHeaderSection(options.store.blobs.read(message.blob_id)).catch(() => Buffer.alloc(0))
        : undefined;
    const { removed, waiting, releasedBlob } = await removeJob(database, id);
    if (!removed) throw new AppError('QUEUE_ENTRY_NOT_FOUND', `no queue entry ${id}`);
    const at = now();
    for (const address of waiting) {
      trace?.record({
        at,
        event: 'deleted',
        messageId: entry.headerMessageId,
        queueId: id,
        sender: entry.sender,
        recipient: address,
        detail: { reason: 'removed from the queue by an administrator' },
      });
    }
    if (message && headers) {
      const recipients = waiting.map((address) => ({
        address,
        code: null,
        enhanced: '5.0.0',
        response: 'removed from the queue by an administrator',
        remoteHost: null,
        lastAttemptAt: entry.lastError ? Date.parse(entry.lastError.at) : null,
      }));
      await sendNotice(noticeDeps, message, 'failed', recipients, headers, at);
    }
    if (releasedBlob) await options.store.releaseBlobs([releasedBlob]);
  }

  return {
    list: (filter, scope) => listEntries(database, filter, scope),
    get: (id, scope) => getEntry(database, id, scope),
    async retry(id, scope) {
      await getEntry(database, id, scope);
      await makeDue(database, id, now());
      worker?.wake();
      return getEntry(database, id, scope);
    },
    remove,
    enqueued,
    start() {
      if (worker) return;
      if (!options.transport) {
        log?.warn('no outbound transport: queued mail waits');
        return;
      }
      worker = createWorker({
        ...noticeDeps,
        database,
        transport: options.transport,
        signer: options.signer,
        owner,
        config,
        releaseBlobs: (ids) => options.store.releaseBlobs(ids),
        now,
        random: options.random,
        concurrency: config.concurrency,
        leaseMs: config.leaseSeconds * 1000,
        pollMs: config.pollSeconds * 1000,
      });
      worker.start();
    },
    async stop() {
      const w = worker;
      worker = undefined;
      await w?.stop();
    },
  };
}
