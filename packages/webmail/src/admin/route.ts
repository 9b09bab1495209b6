import { useEffect, useState } from 'preact/hooks';

/** The console lives under this path; the server answers every path below it with admin.html. */
export const CONSOLE_BASE = '/admin';

const CHANGE = 'jdmail:console-navigate';

/** Where the console is: the page's path segment, the decoded segments after it, and the query. */
export interface ConsoleLocation {
  /** The first segment after /admin (`''` for /admin itself). */
  page: string;
  /** The decoded segments after the page's (`/admin/users/example.com` → `['example.com']`). */
  rest: string[];
  query: URLSearchParams;
  /** Path and query, for `/login?redirect=`. */
  href: string;
}

export function parseConsoleLocation(url: URL): ConsoleLocation | null {
  const path = url.pathname.replace(/\/+$/, '');
  if (path !== CONSOLE_BASE && !path.startsWith(`${CONSOLE_BASE}/`)) return null;
  const parts = path.slice(CONSOLE_BASE.length).split('/').filter(Boolean);
  const rest: string[] = [];
  for (const part of parts.slice(1)) {
    try {
      rest.push(decodeURIComponent(part));
    } catch {
      return null;
    }
  }
  return { page: parts[0] ?? '', rest, query: url.searchParams, href: `${url.pathname}${url.search}` };
}

/** `/admin/<page>/<segments…>?<query>`, each segment encoded. */
export function consolePath(
  page: string,
  segments: readonly string[] = [],
  query?: Record<string, string>,
): string {
  const tail = segments.map((s) => `/${encodeURIComponent(s)}`).join('');
  const q = query ? new URLSearchParams(Object.entries(query).filter(([, v]) => v !== '')).toString() : '';
  return `${CONSOLE_BASE}${page ? `/${page}` : ''}${tail}${q ? `?${q}` : ''}`;
}

/** Moves inside the console (pushState); a path outside it (the webmail) is a full page load. */
export function consoleNavigate(path: string, opts: { replace?: boolean } = {}): void {
  if (!path.startsWith(`${CONSOLE_BASE}/`) && path !== CONSOLE_BASE && !path.startsWith(`${CONSOLE_BASE}?`)) {
    location.assign(path);
    return;
  }
  if (opts.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.dispatchEvent(new Event(CHANGE));
}

/** The current console location; re-renders on back/forward and on {@link consoleNavigate}. */
export function useConsoleLocation(): { location: ConsoleLocation | null; url: URL } {
  const read = () => {
    const url = new URL(window.location.href);
    return { location: parseConsoleLocation(url), url };
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

/** Click handler for in-console links: plain left clicks navigate in place. */
export function onConsoleLink(event: MouseEvent, path: string): void {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  consoleNavigate(path);
}
