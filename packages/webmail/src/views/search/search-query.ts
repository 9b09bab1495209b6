import type { SearchParams } from '../../api/client.js';
import type { SearchQuery } from '../../router.js';

/**
 * The API request for a search screen's URL. Dates in the form are days
 * (`2026-03-01`): `since` starts at that day's midnight and `before` is the
 * day after the "to" day, in the user's time zone, so "to 31 March" includes
 * the 31st.
 */
export function searchParamsOf(query: SearchQuery, limit: number): SearchParams {
  return {
    q: query.q.trim() || undefined,
    mailbox: query.mailbox,
    unread: query.unread || undefined,
    flagged: query.flagged || undefined,
    hasAttachment: query.hasAttachment || undefined,
    since: query.since ? dayStart(query.since, 0) : null,
    before: query.before ? dayStart(query.before, 1) : null,
    cursor: query.cursor,
    limit,
  };
}

/** Local midnight of a `YYYY-MM-DD` day plus `addDays`, as ISO 8601; null for anything else. */
export function dayStart(day: string, addDays: number): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + addDays);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** Whether a search has anything to search by (words or a filter): an empty one is not sent. */
export const hasCriteria = (q: SearchQuery): boolean =>
  q.q.trim() !== '' || q.unread || q.flagged || q.hasAttachment || !!q.since || !!q.before || !!q.mailbox;
