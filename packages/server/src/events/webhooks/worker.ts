/**
 * The delivery worker: takes endpoints that have events waiting (with a
 * lease, see claim.ts) and works up to `concurrency` of them at once, each
 * in order (deliver.ts). It sleeps until the event log announces new events
 * (`onAppend`, coalesced), a retry falls due, or `pollMs` passes (retries
 * and leases of other nodes, on PostgreSQL). Once an hour it deletes
 * attempt records past their retention.
 */
import type { Logger } from 'pino';
import { claimEndpoints, nextDueAt, releaseAllLeases } from './claim.js';
import { type DeliverDeps, workEndpoint } from './deliver.js';

export interface WorkerOptions extends DeliverDeps {
  concurrency: number;
  pollMs: number;
  attemptRetentionMs: number;
  /** How long `stop` lets deliveries in flight finish before it aborts them. */
  stopGraceMs?: number;
  logger?: Logger;
}

export interface WebhookWorker {
  start(): void;
  wake(): void;
  stop(): Promise<void>;
}

/** Never spin: after a pass that found less than it could take, wait at least this long (unless woken). */
const MIN_SLEEP_MS = 20;
const PRUNE_EVERY_MS = 3_600_000;

export function createWebhookWorker(options: WorkerOptions): WebhookWorker {
  const { database, logger: log } = options;
  const active = new Map<string, Promise<void>>();
  const stopping = new AbortController();
  const abort = new AbortController();
  let running = false;
  let loop: Promise<void> | undefined;
  let woken = false;
  let wakeSleeper: (() => void) | undefined;
  let unsubscribe: (() => void) | undefined;
  let prunedAt = 0;

  function wake(): void {
    woken = true;
    wakeSleeper?.();
  }

  function sleep(ms: number): Promise<void> {
    if (woken) {
      woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeSleeper = undefined;
        woken = false;
        resolve();
      }
      wakeSleeper = done;
    });
  }

  /** Takes what it can; returns whether it took all it asked for (more may be waiting). */
  async function claimSome(): Promise<boolean> {
    const free = options.concurrency - active.size;
    if (free <= 0) return false;
    const head = await options.events.head();
    const rows = await claimEndpoints(database, options.owner, {
      limit: free,
      now: options.now(),
      leaseMs: options.leaseMs,
      head,
    });
    for (const row of rows) {
      const run = workEndpoint(options, row, { stop: stopping.signal, abort: abort.signal })
        .catch((err) =>
          log?.warn({ err, webhook: row.id }, 'webhook delivery run failed; the lease will expire'),
        )
        .finally(() => {
          active.delete(row.id);
          wake();
        });
      active.set(row.id, run);
    }
    return rows.length === free;
  }

  async function idleMs(): Promise<number> {
    if (active.size >= options.concurrency) return options.pollMs;
    const now = options.now();
    const next = await nextDueAt(database, now);
    if (next === undefined) return options.pollMs;
    return Math.max(MIN_SLEEP_MS, Math.min(options.pollMs, next - now));
  }

  async function pruneNow(): Promise<void> {
    const now = options.now();
    if (now - prunedAt < PRUNE_EVERY_MS) return;
    prunedAt = now;
    const n = await options.attempts.prune(now - options.attemptRetentionMs);
    if (n > 0) log?.info({ removed: n }, 'deleted old webhook attempt records');
  }

  async function run(): Promise<void> {
    // This process alone uses an SQLite file: every lease in it was a crashed run's.
    if (database.engine === 'sqlite') await releaseAllLeases(database);
    while (running) {
      try {
        await pruneNow();
        if (await claimSome()) continue;
        await sleep(await idleMs());
      } catch (err) {
        log?.warn({ err }, 'webhook worker pass failed; retrying');
        await sleep(options.pollMs);
      }
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      unsubscribe = options.events.onAppend(() => wake());
      loop = run();
    },
    wake,
    async stop() {
      if (!running) return;
      running = false;
      unsubscribe?.();
      wake();
      await loop;
      if (active.size > 0) {
        // Each run ends after its delivery in flight; one that takes too long is cut short.
        stopping.abort();
        const timer = setTimeout(() => abort.abort(), options.stopGraceMs ?? 5_000);
        await Promise.allSettled([...active.values()]);
        clearTimeout(timer);
      }
      await options.attempts.flush();
    },
  };
}
