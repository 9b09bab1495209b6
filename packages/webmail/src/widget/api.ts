/** What the widget shows, as `GET /api/v1/widget/inbox` answers. */
export interface WidgetInbox {
  address: string;
  unread: number;
  messages: WidgetMessage[];
}

export interface WidgetMessage {
  id: string;
  from: { name: string; address: string };
  subject: string;
  date: string;
  unread: boolean;
}

/**
 * Why a call failed, as far as the widget acts on it: `token` (401: expired
 * or revoked — ask the page for a new one), `origin` (403 for this page),
 * `gone` (404: no such route or message), `other` (network, 5xx: retry).
 */
export type FailureKind = 'token' | 'origin' | 'gone' | 'other';

export class WidgetApiError extends Error {
  constructor(
    readonly kind: FailureKind,
    readonly status: number,
  ) {
    super(`jdmail widget: ${kind} (${status})`);
  }
}

export const failureOf = (status: number): FailureKind =>
  status === 401 ? 'token' : status === 403 ? 'origin' : status === 404 ? 'gone' : 'other';

/** The widget's calls to its server, with its token in `Authorization` (never in a URL). */
export function widgetApi(server: string, token: () => string) {
  async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${server}${path}`, {
        ...init,
        // No cookies: the token is the only credential, so no other session of the browser rides along.
        credentials: 'omit',
        headers: { authorization: `Bearer ${token()}`, accept: 'application/json', ...init.headers },
      });
    } catch {
      throw new WidgetApiError('other', 0);
    }
    if (!res.ok) throw new WidgetApiError(failureOf(res.status), res.status);
    return (await res.json()) as T;
  }
  return {
    inbox: (limit: number) => call<WidgetInbox>(`/api/v1/widget/inbox?limit=${limit}`),
    open: (messageId: string) =>
      call<{ url: string }>('/api/v1/widget/open', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ messageId }),
      }),
  };
}

/**
 * The `iat` and `exp` of a JWT, in ms, read without verifying (the server
 * does that); null when unreadable, and then the server's 401 is the only signal.
 */
export function tokenTimes(token: string): { iat: number; exp: number } | null {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const { iat, exp } = JSON.parse(json) as { iat?: unknown; exp?: unknown };
    return typeof iat === 'number' && typeof exp === 'number' ? { iat: iat * 1000, exp: exp * 1000 } : null;
  } catch {
    return null;
  }
}
