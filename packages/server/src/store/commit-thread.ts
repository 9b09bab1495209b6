import { Worker } from 'node:worker_threads';
import { AppError } from '../shared/index.js';
import type { Logger } from '../telemetry/index.js';
import { type CommitStats, type Committer, type Delivered, emptyStats, refusal } from './commit.js';
import {
  type CommitResult,
  type CommitThreadConfig,
  deserializeError,
  type FromCommitThread,
  type ToCommitThread,
} from './commit-protocol.js';
import type { DeliveryInput } from './types.js';

export interface CommitThreadOptions extends CommitThreadConfig {
  log?: Logger;
  /**
   * Told on this thread after a batch committed on the committer's thread:
   * its events are readable now (the store rings the database's event bell,
   * which the committer's own connection does not reach).
   */
  onCommitted?: () => void;
}

/**
 * Starts `commit-worker`. From the built package that is a plain module; from
 * the TypeScript sources (the test suite) the thread first registers tsx, the
 * loader the tests already run under, since a worker does not inherit it.
 */
function spawn(config: CommitThreadConfig): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./commit-worker.js', here), { workerData: config });
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./commit-worker.ts', here).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData: config });
}

/**
 * Posts a batch, moving each inline body instead of cloning it. A body that
 * owns its memory (the store's writer made it) moves as it is, and is empty
 * here afterwards; any other is first copied into a buffer of its own (the
 * caller's may share memory with other buffers, and stays usable).
 */
function post(worker: Worker, items: Array<{ id: number; input: DeliveryInput }>): void {
  const transfer: ArrayBuffer[] = [];
  const moved = items.map(({ id, input }) => {
    const { data, ownsMemory } = input.blob;
    if (!data) return { id, input };
    const whole = ownsMemory && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
    const own = whole ? data : Buffer.from(new Uint8Array(data).buffer);
    transfer.push(own.buffer as ArrayBuffer);
    return { id, input: { ...input, blob: { ...input.blob, data: own } } };
  });
  worker.postMessage({ type: 'submit', items: moved } satisfies ToCommitThread, transfer);
}

/**
 * Batches handed to the thread and not yet answered. One: while the thread
 * commits a batch, everything that arrives waits here and goes over as the
 * next one. A second batch queued behind the first made more, smaller
 * batches; one in flight cost ≈ 15% less CPU per message (bench/README.md).
 */
const MAX_IN_FLIGHT = 1;

interface Waiter {
  resolve(value: Delivered): void;
  reject(error: unknown): void;
}

/**
 * The group committer on a thread of its own (SQLite): same contract as
 * `createCommitter`, which runs inside the thread over its own connection.
 * The thread starts with the first delivery. If it dies, the deliveries in
 * flight are rejected as UNAVAILABLE (SMTP answers 4xx and the client retries:
 * none was acknowledged) and the next delivery starts a new thread.
 */
export function createThreadCommitter(options: CommitThreadOptions): Committer {
  const { log } = options;
  const config: CommitThreadConfig = {
    file: options.file,
    blobDir: options.blobDir,
    maxBatch: options.maxBatch,
  };
  const stats: CommitStats = emptyStats();
  const waiting = new Map<number, Waiter>();
  let nextId = 1;
  let worker: Worker | undefined;
  let closed = false;
  let onClosed: (() => void) | undefined;
  /**
   * Deliveries not yet handed to the thread. While it works on
   * MAX_IN_FLIGHT batches they wait here and go over together as the next
   * one: a message costs a wake-up of the other thread, and this is the same
   * grouping the committer does inside.
   */
  let outbox: Array<{ id: number; input: DeliveryInput }> = [];
  let inFlight = 0;
  let scheduled = false;

  function send(): void {
    scheduled = false;
    if (outbox.length === 0 || inFlight >= MAX_IN_FLIGHT) return;
    const items = outbox;
    outbox = [];
    worker ??= start();
    inFlight += 1;
    post(worker, items);
    keepAlive();
  }

  /** Sends at the end of this tick, so deliveries finishing together travel together. */
  function schedule(): void {
    if (scheduled || inFlight >= MAX_IN_FLIGHT) return;
    scheduled = true;
    queueMicrotask(send);
  }

  /** The thread keeps the process alive only while it has work. */
  const keepAlive = () => (waiting.size > 0 || onClosed ? worker?.ref() : worker?.unref());

  function failAll(error: AppError): void {
    const all = [...waiting.values()];
    waiting.clear();
    for (const w of all) w.reject(error);
  }

  function settle(results: CommitResult[]): void {
    for (const r of results) {
      const w = waiting.get(r.id);
      waiting.delete(r.id);
      if (!w) continue;
      if ('error' in r) w.reject(deserializeError(r.error));
      else w.resolve({ messageIds: r.placed.map((p) => p.messageId), placed: r.placed });
    }
  }

  function start(): Worker {
    const w = spawn(config);
    w.on('message', (m: FromCommitThread) => {
      switch (m.type) {
        case 'settled':
          Object.assign(stats, m.stats);
          inFlight -= 1;
          if (m.results.some((r) => 'placed' in r)) options.onCommitted?.();
          settle(m.results);
          send();
          keepAlive();
          return;
        case 'log':
          log?.[m.level](m.obj, m.msg);
          return;
        case 'closed':
          Object.assign(stats, m.stats);
          onClosed?.();
          return;
        case 'ready':
          return;
      }
    });
    w.on('error', (err) => log?.error({ err }, 'delivery committer thread failed'));
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      inFlight = 0;
      if (waiting.size > 0) {
        log?.error(
          { code, inFlight: waiting.size },
          'delivery committer thread exited with deliveries in flight',
        );
        failAll(new AppError('UNAVAILABLE', 'the mail store is restarting; try again'));
      }
      onClosed?.();
    });
    return w;
  }

  return {
    stats,
    submit(input) {
      const refused = refusal(closed, input);
      if (refused) return Promise.reject(refused);
      const id = nextId++;
      const done = new Promise<Delivered>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
      });
      outbox.push({ id, input });
      schedule();
      return done;
    },
    async close() {
      closed = true;
      // Hand over everything still waiting; the thread queues it behind what it has.
      if (outbox.length > 0) {
        worker ??= start();
        post(worker, outbox);
        inFlight += 1;
        outbox = [];
      }
      const w = worker;
      if (!w) return;
      // The thread drains its queue, closes its connection and says so (or dies trying).
      await new Promise<void>((resolve) => {
        onClosed = resolve;
        keepAlive();
        w.postMessage({ type: 'close' } satisfies ToCommitThread);
      });
      onClosed = undefined;
      worker = undefined;
      await w.terminate();
    },
  };
}
