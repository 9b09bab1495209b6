import { ApiError } from '../api/client.js';
import type { Session } from '../api/types.js';
import { type Http, seg } from './http.js';
import type { AdminSession, User } from './types.js';

/** What the console knows about who is there. */
export type SessionState =
  | { state: 'loading' }
  | { state: 'signed-out' }
  | { state: 'failed'; error: unknown }
  /** Signed in, but a plain user: the console shows "no administrator rights". */
  | { state: 'no-rights'; user: Session['user'] }
  | { state: 'ready'; session: AdminSession };

/**
 * The webmail's session (`GET /auth/session`) and the user's own record
 * (`GET /api/v1/users/{me}`, which every user may read) for the role and the
 * administered domains. The server enforces every right again on each call:
 * this only decides what the console offers.
 */
export async function loadSession(
  http: Http,
  setCsrf: (token: string | null) => void,
): Promise<SessionState> {
  let web: Session;
  try {
    web = await http.get<Session>('/auth/session');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return { state: 'signed-out' };
    throw e;
  }
  setCsrf(web.csrfToken);
  const me = await http.get<User>(`/users/${seg(web.user.address)}`);
  if (me.role === 'user') return { state: 'no-rights', user: web.user };
  return {
    state: 'ready',
    session: {
      user: web.user,
      role: me.role,
      adminDomains: me.role === 'admin' ? [] : me.adminDomains,
      csrfToken: web.csrfToken,
    },
  };
}
