/**
 * TEMPORARY: the event log's contract (BRIEF, session 16) until the `e-log`
 * branch is merged; then these come from `../index.js`.
 */
export interface EventRecord {
  position: number;
  id: string;
  type: string;
  time: number;
  domain: string | null;
  address: string | null;
  data: unknown;
}
export type EventScope = { domains: 'all' } | { domains: string[] } | { address: string };
export interface EventLog {
  read(q: { after: number; types?: string[]; scope: EventScope; limit: number }): Promise<EventRecord[]>;
  head(): Promise<number>;
  oldest(): Promise<number>;
  onAppend(listener: (position: number) => void): () => void;
}
export const cursorExpired = (after: number, oldest: number): boolean => after < oldest - 1;
export function toCloudEvent(e: EventRecord, source: string) {
  return {
    specversion: '1.0',
    id: e.id,
    source,
    type: e.type,
    time: new Date(e.time).toISOString(),
    datacontenttype: 'application/json',
    data: e.data,
    sequence: String(e.position).padStart(20, '0'),
    ...(e.address ? { subject: e.address } : {}),
  };
}
