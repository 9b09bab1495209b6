/**
 * An in-memory event log following the events contract (tests only): what
 * the webhook worker reads until, and beside, the real log.
 */
import { randomUUID } from 'node:crypto';
import type { CloudEventOf, EventLog, EventRecord, EventScope } from '../log-contract.js';

export interface MemoryLog extends EventLog {
  append(
    events: { type: string; domain: string | null; address?: string | null; data?: unknown }[],
  ): EventRecord[];
  all(): readonly EventRecord[];
}

const matchesType = (type: string, wanted: readonly string[]) =>
  wanted.some((w) => (w.endsWith('.*') ? type.startsWith(w.slice(0, -1)) : type === w));

function inScope(e: EventRecord, scope: EventScope): boolean {
  if ('address' in scope) return e.address === scope.address;
  if (scope.domains === 'all') return true;
  return e.domain !== null && scope.domains.includes(e.domain);
}

export function createMemoryLog(): MemoryLog {
  const events: EventRecord[] = [];
  const listeners = new Set<(position: number) => void>();
  return {
    async read(q) {
      const out: EventRecord[] = [];
      for (const e of events) {
        if (e.position <= q.after || !inScope(e, q.scope)) continue;
        if (q.types && !matchesType(e.type, q.types)) continue;
        out.push(e);
        if (out.length >= q.limit) break;
      }
      return out;
    },
    async head() {
      return events[events.length - 1]?.position ?? 0;
    },
    async oldest() {
      return events[0]?.position ?? 0;
    },
    onAppend(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    append(batch) {
      const made = batch.map((b, i) => ({
        position: events.length + 1 + i,
        id: randomUUID(),
        type: b.type as EventRecord['type'],
        time: Date.now(),
        domain: b.domain,
        address: b.address ?? null,
        data: b.data ?? {},
      }));
      events.push(...made);
      const head = events.length;
      queueMicrotask(() => {
        for (const l of listeners) l(head);
      });
      return made;
    },
    all: () => events,
  };
}

/** The CloudEvents 1.0 envelope as the contract describes it. */
export const memoryCloudEvent: CloudEventOf = (e, source) => ({
  specversion: '1.0',
  id: e.id,
  source,
  type: e.type,
  time: new Date(e.time).toISOString(),
  subject: e.address ?? e.domain ?? undefined,
  datacontenttype: 'application/json',
  data: e.data,
  sequence: String(e.position),
});
