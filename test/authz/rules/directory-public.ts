import { send } from '../http.js';
import { DOMAIN, type Dom, readsBook } from '../model.js';
import { type Principal, sessionHeaders } from '../world.js';
import { type Case, type Rules, SYSTEM, same, status } from './common.js';

const bookCases = (path: (d: Dom) => string): Case[] =>
  (['a', 'b'] as const).map((d) => ({
    label: `domain ${d}`,
    needs: [{ on: 'book', d }],
    request: () => ({ method: 'GET', path: path(d) }),
  }));

/** A route that takes no API credentials: every caller gets `answer`, whatever it sends. */
const open = (method: 'GET' | 'POST', path: string, answer: number, form?: Record<string, string>) => ({
  scope: null,
  ok: status(answer),
  cases: [{ label: 'any', needs: [], request: () => ({ method, path, ...(form ? { form } : {}) }) }],
});

export const directoryRules: Rules = {
  startDirectorySync: {
    scope: 'directory:write',
    // No LDAP source is configured: a caller who may is told so, after the access check.
    ok: status(404, 'DIRECTORY_SOURCE_NOT_FOUND'),
    cases: [
      {
        label: 'install',
        needs: [SYSTEM],
        request: () => ({ method: 'POST', path: '/api/v1/directory/sync' }),
      },
    ],
  },
  listDirectorySyncs: {
    scope: 'directory:read',
    ok: status(200),
    cases: [
      {
        label: 'install',
        needs: [SYSTEM],
        request: () => ({ method: 'GET', path: '/api/v1/directory/sync' }),
      },
    ],
  },
  getDirectorySync: {
    scope: 'directory:read',
    ok: status(404, 'SYNC_RUN_NOT_FOUND'),
    cases: [
      {
        label: 'install',
        needs: [SYSTEM],
        request: () => ({ method: 'GET', path: '/api/v1/directory/sync/nope' }),
      },
    ],
  },
  searchAddressBook: {
    scope: 'directory:read',
    ok: status(200),
    cases: [
      {
        label: 'all',
        needs: [],
        request: (_w, who) => ({
          method: 'GET',
          path: '/api/v1/directory/address-book?limit=200',
          done: (res) => {
            for (const e of (res.json as { items: { address: string | null }[] }).items) {
              const d = e.address?.endsWith('@b.test') ? 'b' : 'a';
              if (!readsBook(who, d)) throw new Error(`address book shows ${e.address}`);
            }
          },
        }),
      },
      ...bookCases((d) => `/api/v1/directory/address-book?domain=${DOMAIN[d]}`),
    ],
  },
  getDepartments: {
    scope: 'directory:read',
    ok: status(200),
    cases: bookCases((d) => `/api/v1/directory/departments?domain=${DOMAIN[d]}`),
  },
};

const LINK = '/auth/link/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export const publicRules: Rules = {
  getHealth: open('GET', '/healthz', 200),
  getReadiness: open('GET', '/readyz', 200),
  getJwks: open('GET', '/.well-known/jwks.json', 200),
  getAuthorizationServerMetadata: open('GET', '/.well-known/oauth-authorization-server', 200),
  getAuthConfig: open('GET', '/auth/config', 200),
  // A forged link lands on the login page, signing nobody in (and ending no one's session).
  openLoginLink: open('GET', LINK, 302),
  // No identity provider is configured: the start and return of a sign-in land on the login page,
  // a back-channel logout is an OAuth-style 400, CAS answers 404.
  startOidcLogin: open('GET', '/auth/oidc/none/start', 302),
  finishOidcLogin: open('GET', '/auth/oidc/none/callback', 302),
  oidcBackchannelLogout: open('POST', '/auth/oidc/none/backchannel-logout', 400, { logout_token: 'x' }),
  startCasLogin: open('GET', '/auth/cas/none/start', 404),
  casCallback: open('GET', '/auth/cas/none/callback', 404),
  casSingleLogout: open('POST', '/auth/cas/none/callback', 404, { logoutRequest: 'x' }),
  webLogin: {
    scope: null,
    ok: status(200),
    // Once, without a cookie: signing in revokes the session the browser held (the matrix's own).
    cases: [
      {
        label: 'password',
        needs: [],
        once: true,
        request: () => ({
          method: 'POST',
          path: '/auth/login',
          body: { address: 'alice@a.test', password: 'matrix-password-1' },
          headers: {},
        }),
      },
    ],
  },
  getWebSession: {
    scope: null,
    ok: status(200),
    answer: (who: Principal) => (who.cookie ? status(200) : status(401, 'UNAUTHENTICATED')),
    cases: [{ label: 'own', needs: [], request: () => ({ method: 'GET', path: '/auth/session' }) }],
  },
  webLogout: {
    scope: null,
    ok: status(200),
    // Without a cookie there is nothing to end (200); with one, the CSRF token is required.
    answer: (who: Principal) => (who.cookie && !who.cookie.csrf ? status(403, 'CSRF_FAILED') : status(200)),
    cases: [
      {
        label: 'own (a fresh session for cookie callers)',
        needs: [],
        request: async (w, who) => {
          if (!who.cookie) return { method: 'POST', path: '/auth/logout' };
          const s = await w.fresh.session(who.self as string);
          const headers = sessionHeaders(s, who.cookie.csrf, 'POST');
          const alive = async (want: boolean) => {
            const res = await send(w.base, { method: 'GET', path: '/auth/session' }, { cookie: s.cookie });
            same(res.status, want ? 200 : 401, 'the session');
          };
          return {
            method: 'POST',
            path: '/auth/logout',
            headers,
            unchanged: () => alive(true),
            done: () => alive(false),
          };
        },
      },
    ],
  },
  createToken: {
    scope: null,
    ok: status(200),
    // The app's own client credentials, not a caller's: once with them, once without.
    cases: [
      {
        label: 'client credentials',
        needs: [],
        once: true,
        request: (w) => ({
          method: 'POST',
          path: '/api/v1/oauth/token',
          form: {
            grant_type: 'client_credentials',
            client_id: w.appClient.clientId,
            client_secret: w.appClient.clientSecret,
          },
          headers: {},
        }),
      },
      {
        label: 'no client credentials',
        needs: [],
        once: true,
        ok: status(401),
        request: () => ({
          method: 'POST',
          path: '/api/v1/oauth/token',
          form: { grant_type: 'client_credentials' },
          headers: {},
        }),
      },
    ],
  },
};
