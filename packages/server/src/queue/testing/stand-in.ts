/**
 * Test stand-ins for the queue's collaborators: a transport that answers as
 * a script says (following the Transport contract, not the real one's code),
 * and a queue fixture over a test store.
 */
import { text } from 'node:stream/consumers';
import type { StoreFixture } from '../../../../../test/harness/mail-store.js';
import type { QueueConfig } from '../../config/queue-schema.js';
import { createMessageTrace, type TraceStore } from '../../trace/index.js';
import { createQueueService, type QueueServiceOptions } from '../service.js';
import type { DeliveryJob, QueueService, RecipientResult, Transport } from '../types.js';

export type Answer = Pick<RecipientResult, 'status'> & Partial<Omit<RecipientResult, 'status' | 'address'>>;

/** One call of the stand-in: the job and the bytes it would have sent. */
export interface Sent {
  job: Omit<DeliveryJob, 'body'>;
  body: string;
}

/** A transport whose answer per recipient comes from `script` (called per attempt). */
export function standInTransport(script: (address: string, attempt: number, job: DeliveryJob) => Answer) {
  const sent: Sent[] = [];
  const attempts = new Map<string, number>();
  const transport: Transport = {
    async deliver(job) {
      const body = await text(job.body());
      const { body: _, ...rest } = job;
      sent.push({ job: rest, body });
      return {
        tls: false,
        recipients: job.recipients.map((address) => {
          const n = (attempts.get(address) ?? 0) + 1;
          attempts.set(address, n);
          const a = script(address, n, job);
          return {
            address,
            status: a.status,
            code: a.code ?? (a.status === 'delivered' ? 250 : a.status === 'deferred' ? 451 : 550),
            enhanced: a.enhanced ?? null,
            response: a.response ?? (a.status === 'delivered' ? 'ok' : 'no'),
            remoteHost: a.remoteHost ?? 'mx.remote.test',
          };
        }),
      };
    },
    async close() {},
  };
  return { transport, sent };
}

export const testQueueConfig = (over: Partial<QueueConfig> = {}): QueueConfig => ({
  maxAgeHours: 120,
  delayNoticeHours: 4,
  retryScheduleSeconds: [3600],
  concurrency: 4,
  leaseSeconds: 60,
  pollSeconds: 0.05,
  ...over,
});

/** A queue service over a store fixture, with a trace; `close` stops both. */
export function openQueue(
  f: StoreFixture,
  transport: Transport,
  over: Partial<Omit<QueueServiceOptions, 'database' | 'store' | 'transport'>> = {},
): { queue: QueueService; trace: TraceStore; close(): Promise<void> } {
  const trace = createMessageTrace({ database: f.database, retentionDays: 30, flushIntervalMs: 10 });
  const queue = createQueueService({
    database: f.database,
    store: f.store,
    config: testQueueConfig(),
    hostname: 'mx.example.test',
    transport,
    trace,
    ...over,
  });
  return {
    queue,
    trace,
    async close() {
      await queue.stop();
      await trace.stop();
    },
  };
}

/** Waits until `check` holds (polling), or fails after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
