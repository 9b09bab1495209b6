import type { ThreadNode } from '../../protocol/index.js';
import { subjectKey } from './base-subject.js';
import type { ThreadMessage } from './thread-references.js';

/**
 * THREAD=ORDEREDSUBJECT (RFC 5256 §3): messages grouped by base subject,
 * each group in sent-date order with its first message at the top and the
 * others its children (no grandchildren); threads in the order of their
 * first message's sent date. Ties go by sequence number.
 */
export function threadBySubject(messages: readonly ThreadMessage[]): ThreadNode[] {
  const groups = new Map<string, ThreadMessage[]>();
  for (const m of messages) {
    const key = subjectKey(m.subject);
    const group = groups.get(key);
    if (group) group.push(m);
    else groups.set(key, [m]);
  }
  const byDate = (a: ThreadMessage, b: ThreadMessage) => a.date - b.date || a.seq - b.seq;
  const threads = [...groups.values()].map((group) => group.sort(byDate));
  threads.sort((a, b) => byDate(a[0] as ThreadMessage, b[0] as ThreadMessage));
  return threads.map(([first, ...rest]) => ({
    id: (first as ThreadMessage).id,
    children: rest.map((m) => ({ id: m.id, children: [] })),
  }));
}
