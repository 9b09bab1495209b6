/**
 * The event log as webhooks use it (the contract of `events/`, session 16).
 * Stand-in declarations until the log's own module is merged; they follow
 * the contract's names exactly, so the real EventLog satisfies them.
 */

/** One event of the log. */
export interface EventRecord {
  position: number;
  id: string;
  type: string;
  time: number;
  domain: string | null;
  address: string | null;
  data: unknown;
}

/** What a reader may see: every domain, some domains, or one user's own events. */
export type EventScope = { domains: 'all' } | { domains: string[] } | { address: string };

/** The durable, ordered event log. */
export interface EventLog {
  /** Events with position > after, oldest first, at most `limit`; `types` are exact names or 'user.*' prefixes. */
  read(q: { after: number; types?: string[]; scope: EventScope; limit: number }): Promise<EventRecord[]>;
  /** The newest readable position (0 when empty). */
  head(): Promise<number>;
  /** The oldest kept position (retention). */
  oldest(): Promise<number>;
  /** Called (coalesced) after events up to `position` are committed and readable. */
  onAppend(listener: (position: number) => void): () => void;
}

/** The CloudEvents 1.0 JSON envelope of an event. */
export type CloudEventOf = (e: EventRecord, source: string) => Record<string, unknown>;
