/**
 * The `delivery.*` events of one attempt, written with its record (same
 * transaction, `record.ts`): who was delivered, deferred (and when it is
 * tried again), failed for good, and whether the sender was sent a bounce.
 * One event per outcome, listing its recipients; the reply shown is the
 * first recipient's (one attempt talks to one server).
 */
import {
  deliveryEvent,
  type NewEvent,
  type QueueDomainsTable,
  type QueueMessagesTable,
} from '../store/index.js';
import type { RecipientOutcome } from './record.js';

const reply = (o: RecipientOutcome) => ({
  code: o.code,
  enhanced: o.enhanced,
  response: o.response,
  remoteHost: o.remoteHost,
});

export function attemptEvents(
  job: QueueDomainsTable,
  message: QueueMessagesTable,
  outcomes: RecipientOutcome[],
  how: { nextAttemptAt: number; bounced: boolean },
): NewEvent[] {
  const attempts = Number(job.attempts) + 1;
  const out: NewEvent[] = [];
  const groups = [
    ['delivery.delivered', outcomes.filter((o) => o.state === 'delivered')],
    ['delivery.deferred', outcomes.filter((o) => o.state === 'deferred')],
    ['delivery.failed', outcomes.filter((o) => o.state === 'failed')],
  ] as const;
  for (const [type, list] of groups) {
    const first = list[0];
    if (!first) continue;
    const extra: Record<string, unknown> = { attempts, ...reply(first) };
    if (type === 'delivery.deferred') extra.nextAttemptAt = new Date(how.nextAttemptAt).toISOString();
    out.push(
      deliveryEvent(
        type,
        message,
        job,
        list.map((o) => o.address),
        extra,
      ),
    );
  }
  const failed = groups[2][1];
  const first = failed[0];
  if (how.bounced && first)
    out.push(
      deliveryEvent(
        'delivery.bounced',
        message,
        job,
        failed.map((o) => o.address),
        { attempts, ...reply(first) },
      ),
    );
  return out;
}
