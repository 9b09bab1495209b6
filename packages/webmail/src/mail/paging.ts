/**
 * Inbox paging over the API's opaque cursors. "Older" follows `nextCursor`;
 * "Newer" needs the cursors of the pages before, which the API does not
 * give back, so the trail of them travels in the history entry.
 */
export interface PageState {
  /** Cursor of the page shown; null for the newest page. */
  cursor: string | null;
  /** Cursors of the pages before this one, newest page first (null = the first page). */
  trail: (string | null)[];
  /** The Junk folder's list instead of the inbox's. */
  junk?: boolean;
  /** Another folder's list (`/f/<name>`). */
  mailbox?: string;
}

export const firstPage: PageState = { cursor: null, trail: [] };

export function olderPage(current: PageState, nextCursor: string): PageState {
  return { ...current, cursor: nextCursor, trail: [...current.trail, current.cursor] };
}

export function newerPage(current: PageState): PageState {
  if (current.trail.length === 0) return { ...current, cursor: null, trail: [] };
  return {
    ...current,
    cursor: current.trail[current.trail.length - 1] ?? null,
    trail: current.trail.slice(0, -1),
  };
}

export const hasNewer = (p: PageState) => p.cursor !== null;

/** The page state from a URL cursor and the history entry's state (a reload keeps both). */
export function pageFrom(
  cursor: string | null,
  historyState: unknown,
  junk = false,
  mailbox?: string,
): PageState {
  const trail = (historyState as { trail?: unknown } | null)?.trail;
  const valid =
    Array.isArray(trail) && trail.every((c) => c === null || typeof c === 'string') && cursor !== null;
  const kept = valid ? (trail as (string | null)[]) : cursor ? [null] : [];
  if (mailbox !== undefined) return { cursor, trail: kept, mailbox };
  return junk ? { cursor, trail: kept, junk } : { cursor, trail: kept };
}

export const inboxPath = (p: PageState) => {
  const base = p.mailbox !== undefined ? `/f/${encodeURIComponent(p.mailbox)}` : p.junk ? '/junk' : '/';
  return p.cursor ? `${base}?cursor=${encodeURIComponent(p.cursor)}` : base;
};
