import { useEffect, useState } from 'preact/hooks';

/** How a compose screen starts: from nothing, a draft, or a message it answers or forwards. */
export type ComposeMode = 'new' | 'reply' | 'replyAll' | 'forward' | 'forwardAttachment';

/** Search filters, as the search screen's URL carries them (`/search?q=…&unread=1…`). */
export interface SearchQuery {
  q: string;
  mailbox: string | null;
  unread: boolean;
  flagged: boolean;
  hasAttachment: boolean;
  since: string | null;
  before: string | null;
  cursor: string | null;
}

/**
 * The screens of the webmail and the URL of each: `/login`, `/` the inbox,
 * `/junk`, `/f/<mailbox>` any folder, `/m/<id>` a message, `/search?q=…`,
 * `/compose?mode=reply&of=<id>` or `/compose?draft=<id>`, `/settings/<section>`.
 */
export type Route =
  | { name: 'login'; error: string | null; redirect: string | null }
  | { name: 'inbox'; cursor: string | null; junk: boolean }
  | { name: 'folder'; mailbox: string; cursor: string | null }
  | { name: 'message'; id: string; images: boolean }
  | { name: 'search'; query: SearchQuery }
  | { name: 'compose'; mode: ComposeMode; of: string | null; draft: string | null; to: string | null }
  | { name: 'settings'; section: string }
  | { name: 'not-found' };

const COMPOSE_MODES: readonly ComposeMode[] = ['new', 'reply', 'replyAll', 'forward', 'forwardAttachment'];

function decoded(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

export function parseRoute(url: URL): Route {
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const q = url.searchParams;
  if (path === '/login') return { name: 'login', error: q.get('error'), redirect: q.get('redirect') };
  if (path === '/' || path === '/junk')
    return { name: 'inbox', cursor: q.get('cursor') || null, junk: path === '/junk' };
  if (path === '/search')
    return {
      name: 'search',
      query: {
        q: q.get('q') ?? '',
        mailbox: q.get('mailbox') || null,
        unread: q.get('unread') === '1',
        flagged: q.get('flagged') === '1',
        hasAttachment: q.get('attachment') === '1',
        since: q.get('since') || null,
        before: q.get('before') || null,
        cursor: q.get('cursor') || null,
      },
    };
  if (path === '/compose') {
    const mode = (q.get('mode') ?? 'new') as ComposeMode;
    return {
      name: 'compose',
      mode: COMPOSE_MODES.includes(mode) ? mode : 'new',
      of: q.get('of') || null,
      draft: q.get('draft') || null,
      to: q.get('to') || null,
    };
  }
  const section = /^\/settings(?:\/([a-z-]+))?$/.exec(path);
  if (section) return { name: 'settings', section: section[1] ?? 'general' };
  const folder = /^\/f\/([^/]+)$/.exec(path);
  if (folder?.[1]) {
    const mailbox = decoded(folder[1]);
    return mailbox ? { name: 'folder', mailbox, cursor: q.get('cursor') || null } : { name: 'not-found' };
  }
  const m = /^\/m\/([^/]+)$/.exec(path);
  if (m?.[1]) {
    try {
      return { name: 'message', id: decodeURIComponent(m[1]), images: q.get('images') === '1' };
    } catch {
      return { name: 'not-found' };
    }
  }
  return { name: 'not-found' };
}

/**
 * Where to go after signing in: only a path of this webmail (never another
 * origin, never `//host` or `/\host`, never back to the login page).
 */
export function safeRedirect(target: string | null | undefined): string {
  if (!target?.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return '/';
  try {
    const url = new URL(target, 'http://webmail.invalid');
    if (url.origin !== 'http://webmail.invalid' || url.pathname === '/login') return '/';
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return '/';
  }
}

export const loginPath = (error?: string, redirect?: string): string => {
  const q = new URLSearchParams();
  if (error) q.set('error', error);
  if (redirect && redirect !== '/') q.set('redirect', redirect);
  const s = q.toString();
  return s ? `/login?${s}` : '/login';
};

export const messagePath = (id: string, images = false) =>
  `/m/${encodeURIComponent(id)}${images ? '?images=1' : ''}`;

/** A folder's list (`/f/Projects%2F2026`); INBOX is `/` and Junk `/junk`. */
export const folderPath = (mailbox: string) => `/f/${encodeURIComponent(mailbox)}`;

export const composePath = (opts: { mode?: ComposeMode; of?: string; draft?: string; to?: string } = {}) => {
  const q = new URLSearchParams();
  if (opts.mode && opts.mode !== 'new') q.set('mode', opts.mode);
  if (opts.of) q.set('of', opts.of);
  if (opts.draft) q.set('draft', opts.draft);
  if (opts.to) q.set('to', opts.to);
  const s = q.toString();
  return s ? `/compose?${s}` : '/compose';
};

export const settingsPath = (section = 'general') => `/settings/${section}`;

export function searchPath(query: Partial<SearchQuery> & { q: string }): string {
  const q = new URLSearchParams({ q: query.q });
  if (query.mailbox) q.set('mailbox', query.mailbox);
  if (query.unread) q.set('unread', '1');
  if (query.flagged) q.set('flagged', '1');
  if (query.hasAttachment) q.set('attachment', '1');
  if (query.since) q.set('since', query.since);
  if (query.before) q.set('before', query.before);
  if (query.cursor) q.set('cursor', query.cursor);
  return `/search?${q}`;
}

const CHANGE = 'jdmail:navigate';

let leavingForConsole = false;

/** `/admin` and below: the admin console's page (admin.html), not a webmail screen. */
export const isConsolePath = (path: string) => /^\/admin(?:[/?#]|$)/.test(path);

/**
 * This document was loaded as a message view with remote images allowed, and
 * so with a Content-Security-Policy that lets images load from anywhere. It
 * must not outlive that view: every navigation away is a full page load,
 * which brings back the strict policy.
 */
const relaxedDocument = (() => {
  if (typeof location === 'undefined') return false;
  const route = parseRoute(new URL(location.href));
  return route.name === 'message' && route.images;
})();

/** Moves to `path` inside the app (pushState), or replaces the entry. State rides along (paging trail). */
export function navigate(path: string, opts: { replace?: boolean; state?: unknown } = {}): void {
  // The admin console (/admin) is another page of the same origin: load it, do not route to it
  // (once: a second load would abort the first).
  if (isConsolePath(path)) {
    if (!leavingForConsole) location.assign(path);
    leavingForConsole = true;
    return;
  }
  if (relaxedDocument) {
    if (opts.replace) location.replace(path);
    else location.assign(path);
    return;
  }
  const state = opts.state ?? null;
  if (opts.replace) history.replaceState(state, '', path);
  else history.pushState(state, '', path);
  window.dispatchEvent(new Event(CHANGE));
}

/** The current route; re-renders on back/forward and on {@link navigate}. */
export function useRoute(): { route: Route; url: URL; state: unknown } {
  const read = () => {
    const url = new URL(location.href);
    return { route: parseRoute(url), url, state: history.state as unknown };
  };
  const [current, setCurrent] = useState(read);
  useEffect(() => {
    const update = () => setCurrent(read());
    window.addEventListener('popstate', update);
    window.addEventListener(CHANGE, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(CHANGE, update);
    };
  }, []);
  return current;
}

/** Click handler for in-app links: plain left clicks navigate in place; others keep browser behaviour. */
export function onLinkClick(event: MouseEvent, path: string, state?: unknown): void {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(path, { state });
}
