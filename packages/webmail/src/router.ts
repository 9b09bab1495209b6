import { useEffect, useState } from 'preact/hooks';

/** The screens of the webmail and the URL of each (`/login`, `/` the inbox, `/junk`, `/m/<id>`). */
export type Route =
  | { name: 'login'; error: string | null; redirect: string | null }
  | { name: 'inbox'; cursor: string | null; junk: boolean }
  | { name: 'message'; id: string; images: boolean }
  | { name: 'not-found' };

export function parseRoute(url: URL): Route {
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const q = url.searchParams;
  if (path === '/login') return { name: 'login', error: q.get('error'), redirect: q.get('redirect') };
  if (path === '/' || path === '/junk')
    return { name: 'inbox', cursor: q.get('cursor') || null, junk: path === '/junk' };
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

const CHANGE = 'jdmail:navigate';

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
