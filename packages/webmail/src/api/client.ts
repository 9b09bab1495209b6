import type {
  AuthConfig,
  Mailbox,
  MessageDetail,
  MessagePage,
  MessageSummary,
  Session,
  SessionInfo,
  UnreadCount,
  UpdateUserSettings,
  UserSettings,
} from './types.js';

/** A failed request: the problem+json `code` and `detail`, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    /** Seconds from `Retry-After` (429, 503), when the server sent it. */
    readonly retryAfter: number | null = null,
    /** The fields a 422 names (`signature.text`, `forwarding.to[0]` …), for errors next to them. */
    readonly fields: { field: string; message: string }[] = [],
  ) {
    super(detail || code);
    this.name = 'ApiError';
  }
}

export interface ApiOptions {
  fetch?: typeof fetch;
  /** Called when a signed-in request finds the session gone (401, or a CSRF refusal). */
  onSessionLost: () => void;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function retryAfterSeconds(value: string | null): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/**
 * A failed answer as an {@link ApiError}: the problem+json `code`, `detail`
 * and field errors, `Retry-After`; a body that is not JSON (a proxy's error
 * page) keeps the status. Every browser client of the API (webmail, compose,
 * console) reads errors through this one function.
 */
export async function toError(res: Response): Promise<ApiError> {
  let code = `HTTP_${res.status}`;
  let detail = res.statusText;
  let fields: { field: string; message: string }[] = [];
  try {
    const body = (await res.json()) as { code?: unknown; detail?: unknown; errors?: unknown };
    if (typeof body.code === 'string') code = body.code;
    if (typeof body.detail === 'string') detail = body.detail;
    if (Array.isArray(body.errors)) fields = body.errors as { field: string; message: string }[];
  } catch {
    // not JSON (a proxy's error page): keep the status
  }
  return new ApiError(res.status, code, detail, retryAfterSeconds(res.headers.get('retry-after')), fields);
}

const enc = encodeURIComponent;

/** What `POST …/messages:batch` does to every id. */
export type BatchAction = 'move' | 'delete' | 'read' | 'unread' | 'flag' | 'unflag';

/** The most ids one batch request takes (the server's limit). */
export const BATCH_MAX = 1000;

/** A search request: words and filters (all optional but `limit`), times as ISO 8601. */
export interface SearchParams {
  q?: string;
  mailbox?: string | null;
  unread?: boolean;
  flagged?: boolean;
  hasAttachment?: boolean;
  since?: string | null;
  before?: string | null;
  cursor?: string | null;
  limit: number;
}

/**
 * The webmail's view of the server: `/auth/*` for the session and the
 * user's own `/api/v1/users/{address}/…` routes, authenticated by the
 * session cookie (never read here) plus `X-CSRF-Token` on changes.
 */
export function createApi(options: ApiOptions) {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  let csrfToken: string | null = null;
  let junkName: Promise<string> | undefined;

  async function request<T>(
    method: string,
    path: string,
    opts: { body?: unknown; signedIn?: boolean } = {},
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (STATE_CHANGING.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
    let res: Response;
    try {
      res = await doFetch(path, {
        method,
        headers,
        credentials: 'same-origin',
        cache: 'no-store',
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      });
    } catch {
      throw new ApiError(0, 'NETWORK', 'The server could not be reached');
    }
    if (!res.ok) {
      const error = await toError(res);
      if (opts.signedIn && (res.status === 401 || error.code === 'CSRF_FAILED')) {
        csrfToken = null;
        options.onSessionLost();
      }
      throw error;
    }
    return (res.status === 204 ? undefined : await res.json()) as T;
  }

  const userPath = (address: string) => `/api/v1/users/${enc(address)}`;

  return {
    authConfig: () => request<AuthConfig>('GET', '/auth/config'),

    /** The current session, or null when there is none. */
    async session(): Promise<Session | null> {
      try {
        const s = await request<Session>('GET', '/auth/session');
        csrfToken = s.csrfToken;
        return s;
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },

    async login(address: string, password: string): Promise<Session> {
      const s = await request<Session>('POST', '/auth/login', { body: { address, password } });
      csrfToken = s.csrfToken;
      return s;
    },

    /** Ends the session; returns the identity provider's end-session URL, if any. */
    async logout(): Promise<string | null> {
      const res = await request<{ redirect: string | null }>('POST', '/auth/logout', { signedIn: true });
      csrfToken = null;
      return res.redirect;
    },

    listMessages: (address: string, opts: { cursor: string | null; limit: number; mailbox?: string }) =>
      request<MessagePage>(
        'GET',
        `${userPath(address)}/messages?mailbox=${enc(opts.mailbox ?? 'INBOX')}&limit=${opts.limit}${opts.cursor ? `&cursor=${enc(opts.cursor)}` : ''}`,
        { signedIn: true },
      ),

    /** The name of the user's Junk folder (its `\\Junk` special use), asked once per session. */
    junkMailbox(address: string): Promise<string> {
      junkName ??= request<{ items: Array<{ name: string; specialUse?: string | null }> }>(
        'GET',
        `${userPath(address)}/mailboxes`,
        { signedIn: true },
      ).then(
        (r) => r.items.find((m) => m.specialUse === '\\Junk')?.name ?? 'Junk',
        (e) => {
          junkName = undefined;
          throw e;
        },
      );
      return junkName;
    },

    /**
     * Moves a message to another mailbox. Into Junk teaches the user's spam filter
     * "spam", out of Junk "not spam" (the server learns from every move).
     */
    moveMessage: (address: string, id: string, mailbox: string) =>
      request<MessageSummary>('PATCH', `${userPath(address)}/messages/${enc(id)}`, {
        body: { mailbox },
        signedIn: true,
      }),

    unreadCount: (address: string) =>
      request<UnreadCount>('GET', `${userPath(address)}/unread-count`, { signedIn: true }),

    getMessage: (address: string, id: string) =>
      request<MessageDetail>('GET', `${userPath(address)}/messages/${enc(id)}`, { signedIn: true }),

    setUnread: (address: string, id: string, unread: boolean) =>
      request<MessageSummary>('PATCH', `${userPath(address)}/messages/${enc(id)}`, {
        body: { unread },
        signedIn: true,
      }),

    setFlagged: (address: string, id: string, flagged: boolean) =>
      request<MessageSummary>('PATCH', `${userPath(address)}/messages/${enc(id)}`, {
        body: { flagged },
        signedIn: true,
      }),

    /**
     * One action on many messages in one request (at most {@link BATCH_MAX} ids): `move` (to
     * `mailbox`), `delete` (at once), `read`, `unread`, `flag`, `unflag`; one result per id.
     */
    batch: (address: string, ids: string[], action: BatchAction, mailbox?: string) =>
      request<{ results: { id: string; status: 'ok' | 'not_found' | 'failed'; code?: string }[] }>(
        'POST',
        `${userPath(address)}/messages:batch`,
        { body: mailbox ? { ids, action, mailbox } : { ids, action }, signedIn: true },
      ),

    /** Removes a message at once (no Trash): for "delete forever" in Trash and Junk. */
    deleteMessage: (address: string, id: string) =>
      request<void>('DELETE', `${userPath(address)}/messages/${enc(id)}`, { signedIn: true }),

    /** Every mailbox with its special use and counters. */
    listMailboxes: (address: string) =>
      request<{ items: Mailbox[] }>('GET', `${userPath(address)}/mailboxes`, { signedIn: true }).then(
        (r) => r.items,
      ),

    /** Creates a folder (and its missing parents: `项目/2026` makes `项目`). */
    createMailbox: (address: string, name: string) =>
      request<Mailbox>('POST', `${userPath(address)}/mailboxes`, { body: { name }, signedIn: true }),

    /** Renames a folder and every folder under it; a new parent path moves it under that parent. */
    renameMailbox: (address: string, name: string, newName: string) =>
      request<Mailbox>('PATCH', `${userPath(address)}/mailboxes/${enc(name)}`, {
        body: { name: newName },
        signedIn: true,
      }),

    deleteMailbox: (address: string, name: string) =>
      request<void>('DELETE', `${userPath(address)}/mailboxes/${enc(name)}`, { signedIn: true }),

    /** Full-text search over every mailbox (or one), newest first, paginated by cursor. */
    search: (address: string, query: SearchParams) => {
      const q = new URLSearchParams({ limit: String(query.limit) });
      if (query.q) q.set('q', query.q);
      if (query.mailbox) q.set('mailbox', query.mailbox);
      if (query.unread) q.set('unread', 'true');
      if (query.flagged) q.set('flagged', 'true');
      if (query.hasAttachment) q.set('hasAttachment', 'true');
      if (query.since) q.set('since', query.since);
      if (query.before) q.set('before', query.before);
      if (query.cursor) q.set('cursor', query.cursor);
      return request<MessagePage>('GET', `${userPath(address)}/messages?${q}`, { signedIn: true });
    },

    /** The user's own settings (`language` …), where the server has them; see views/language.tsx. */
    userSettings: (address: string) =>
      request<UserSettings>('GET', `${userPath(address)}/settings`, { signedIn: true }),

    /** Changes only the given settings; answers them as saved. */
    updateSettings: (address: string, patch: UpdateUserSettings) =>
      request<UserSettings>('PATCH', `${userPath(address)}/settings`, { body: patch, signedIn: true }),

    /** The own password change; every other session ends. */
    changePassword: (address: string, currentPassword: string, newPassword: string) =>
      request<{ endedSessions: number }>('POST', `${userPath(address)}/password`, {
        body: { currentPassword, newPassword },
        signedIn: true,
      }),

    /** The user's live sessions (web, IMAP, POP3), newest first; `current` marks this one. */
    listSessions: (address: string) =>
      request<{ items: SessionInfo[] }>('GET', `${userPath(address)}/sessions`, { signedIn: true }).then(
        (r) => r.items,
      ),

    /** Ends the sessions named, or every other one. */
    endSessions: (address: string, which: { ids: string[] } | { allOthers: true }) =>
      request<{ ended: number }>('POST', `${userPath(address)}/sessions/end`, {
        body: which,
        signedIn: true,
      }),

    attachmentUrl: (address: string, id: string, attachmentId: string) =>
      `${userPath(address)}/messages/${enc(id)}/attachments/${enc(attachmentId)}`,
  };
}

export type Api = ReturnType<typeof createApi>;
