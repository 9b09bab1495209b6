import type { EventRecord, EventScope } from '../index.js';

/**
 * A subscription's filter, tested in memory on what the node's one tail
 * read: it must agree exactly with `EventLog.read`'s SQL filter, because a
 * subscriber catches up through `read` and then goes on with this.
 */
export interface EventFilter {
  scope: EventScope;
  /** Exact names or `prefix.*`; empty: every type. */
  types: readonly string[];
}

/** Whether the subscription with `filter` gets `e`. */
export function matchesEvent(e: EventRecord, filter: EventFilter): boolean {
  const { scope, types } = filter;
  if ('address' in scope) {
    if (e.address !== scope.address) return false;
  } else if (scope.domains !== 'all') {
    if (e.domain === null || !scope.domains.includes(e.domain)) return false;
  }
  if (types.length === 0) return true;
  return types.some((t) => (t.endsWith('.*') ? e.type.startsWith(t.slice(0, -1)) : e.type === t));
}
