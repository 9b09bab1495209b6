import type { EventType } from '../store/index.js';

/** One event of the log, as readers get it. */
export interface EventRecord {
  /** The cursor: increasing, and visible in order (a reader never finds a new row below one it saw). */
  position: number;
  /** UUID v7: the CloudEvents id and the webhook-id. */
  id: string;
  type: EventType;
  /** Epoch ms when the change was committed. */
  time: number;
  domain: string | null;
  address: string | null;
  /** The type's catalogue schema (`catalogue.ts`). */
  data: unknown;
}

/** What a reader may see: everything, some domains' events, or one user's own. */
export type EventScope = { domains: 'all' } | { domains: string[] } | { address: string };

export interface EventQuery {
  /** Events with a position above this (0: from the oldest kept). */
  after: number;
  /** Exact names (`message.new`) or prefixes (`user.*`); absent or empty: all types. */
  types?: string[];
  scope: EventScope;
  limit: number;
}

/** The event log as its consumers (REST, SSE, webhooks, the widget) use it. */
export interface EventLog {
  /** Events with position > after, oldest first, at most `limit`; `types` are exact names or 'user.*' prefixes. */
  read(q: EventQuery): Promise<EventRecord[]>;
  /** The newest readable position (0 when nothing was ever written). */
  head(): Promise<number>;
  /**
   * The oldest kept position: every event from here on is still in the log
   * (the retention prune removed everything below). A cursor `after` has lost
   * events, and its reader must resync, when `after < oldest() - 1`
   * (`cursorExpired`).
   */
  oldest(): Promise<number>;
  /**
   * Called (coalesced) after events up to `position` are committed and
   * readable — in process; on PostgreSQL also from other nodes (LISTEN/NOTIFY).
   * Returns the removal. A listener that throws is logged, not propagated.
   */
  onAppend(listener: (position: number) => void): () => void;
}

/** Whether a reader at cursor `after` has lost events to the retention prune. */
export const cursorExpired = (after: number, oldest: number): boolean => after < oldest - 1;
