/**
 * The queue worker: claims due jobs with a lease and runs up to `concurrency`
 * of them at once. It sleeps until new mail wakes it, the next job falls due,
 * or `pollMs` passes (jobs another node deferred, on PostgreSQL).
 */
import { claimDue, nextDueAt, releaseAbandoned } from './claim.js';
import { type JobDeps, runJob } from './job.js';
import { createAttemptRecorder } from './record-batch.js';

export interface WorkerOptions extends JobDeps {
  concurrency: number;
  leaseMs: number;
  pollMs: number;
  /** How long `stop` lets attempts in flight finish before it aborts them. */
  stopGraceMs?: number;
}

export interface Worker {
  start(): void;
  wake(): void;
  stop(): Promise<void>;
}

/** Never spin: after a claim that found less than it could take, wait at least this long. */
const MIN_SLEEP_MS = 50;

export function createWorker(options: WorkerOptions): Worker {
  const { database, log } = options;
  const deps: JobDeps = {
    ...options,
    recorder: options.recorder ?? createAttemptRecorder(database, options.owner),
  };
  const active = new Set<Promise<void>>();
  const abort = new AbortController();
  let running = false;
  let loop: Promise<void> | undefined;
  let woken = false;
  let wakeSleeper: (() => void) | undefined;

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

  /** Claims what it can take; returns whether it took all it asked for (more may be due). */
  async function claimSome(): Promise<boolean> {
    const free = options.concurrency - active.size;
    if (free <= 0) return false;
    const jobs = await claimDue(database, options.owner, free, options.now(), options.leaseMs);
    for (const job of jobs) {
      const p: Promise<void> = runJob(deps, job, abort.signal).finally(() => {
        active.delete(p);
        wake();
      });
      active.add(p);
    }
    return jobs.length === free;
  }

  async function idleMs(): Promise<number> {
    if (active.size >= options.concurrency) return options.pollMs;
    const next = await nextDueAt(database);
    if (next === undefined) return options.pollMs;
    return Math.max(MIN_SLEEP_MS, Math.min(options.pollMs, next - options.now()));
  }

  async function run(): Promise<void> {
    if (database.engine === 'sqlite') {
      // This process alone uses the file: every job left `sending` was cut off by a crash.
      const n = await releaseAbandoned(database, options.now());
      if (n > 0) log?.warn({ jobs: n }, 'queue jobs interrupted by a crash are due again');
    }
    while (running) {
      try {
        if (await claimSome()) continue;
        await sleep(await idleMs());
      } catch (err) {
        log?.warn({ err }, 'queue claim failed; retrying');
        await sleep(options.pollMs);
      }
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    wake,
    async stop() {
      running = false;
      wake();
      await loop;
      if (active.size === 0) return;
      const timer = setTimeout(() => abort.abort(), options.stopGraceMs ?? 10_000);
      await Promise.allSettled([...active]);
      clearTimeout(timer);
    },
  };
}
