import { ApiError, toError } from '../api/client.js';

export { ApiError } from '../api/client.js';

/** A query string's values; `undefined` and `''` are left out. */
export type Query = Record<string, string | number | boolean | undefined | null>;

/**
 * The console's HTTP helper: JSON in and out of the public REST API with
 * the webmail's session cookie. Changes carry the session's `X-CSRF-Token`;
 * a problem+json answer becomes an {@link ApiError}; a lost session (401, or
 * a CSRF refusal) calls `onSessionLost` so the console sends the user to sign in.
 */
export interface Http {
  get<T>(path: string, query?: Query): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body: unknown): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
  del<T = void>(path: string, body?: unknown): Promise<T>;
}

export interface HttpOptions {
  fetch?: typeof fetch;
  /** The session's CSRF token, read at each change (it is null until the session is loaded). */
  csrfToken: () => string | null;
  onSessionLost: () => void;
}

/** `/api/v1` + path, with the query's set values. Path segments must already be encoded (use {@link seg}). */
export function apiUrl(path: string, query: Query = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  const base = path.startsWith('/auth/') ? path : `/api/v1${path}`;
  return s ? `${base}?${s}` : base;
}

/** One path segment, encoded (`seg('a b@x')` → `a%20b%40x`). */
export const seg = encodeURIComponent;

export function createHttp(options: HttpOptions): Http {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));

  async function send<T>(method: string, url: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const csrf = options.csrfToken();
    if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
    let res: Response;
    try {
      res = await doFetch(url, {
        method,
        headers,
        credentials: 'same-origin',
        cache: 'no-store',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, 'NETWORK', 'The server could not be reached');
    }
    if (!res.ok) {
      const error = await toError(res);
      if (res.status === 401 || error.code === 'CSRF_FAILED') options.onSessionLost();
      throw error;
    }
    return (res.status === 204 ? undefined : await res.json()) as T;
  }

  return {
    get: (path, query) => send('GET', apiUrl(path, query)),
    post: (path, body) => send('POST', apiUrl(path), body),
    patch: (path, body) => send('PATCH', apiUrl(path), body),
    put: (path, body) => send('PUT', apiUrl(path), body),
    del: (path, body) => send('DELETE', apiUrl(path), body),
  };
}
