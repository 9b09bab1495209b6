import type { Dom, Scope, Who } from './model.js';

/** A caller of the matrix: its rules ({@link Who}) and the headers that make a request its. */
export interface Principal extends Who {
  headers(method: string): Record<string, string>;
}

/** A web session: the cookie and its CSRF token. */
export interface WebSession {
  cookie: string;
  csrf: string;
}

/** The headers of a request in web session `s`: the cookie, and on writes its CSRF token unless `csrf` is false. */
export function sessionHeaders(s: WebSession, csrf: boolean, method: string): Record<string, string> {
  const headers: Record<string, string> = { cookie: s.cookie };
  if (csrf && method !== 'GET') headers['x-csrf-token'] = s.csrf;
  return headers;
}

const ALL_SCOPES: Scope[] = [
  'domains:read',
  'domains:write',
  'users:read',
  'users:write',
  'groups:read',
  'groups:write',
  'mail:read',
  'mail:write',
  'sso:issue',
  'apps:write',
  'directory:read',
  'directory:write',
  'queue:read',
  'queue:write',
  'events:read',
  'scim:write',
  'webhooks:read',
  'webhooks:write',
  'widget:issue',
  'audit:read',
];

export interface Credentials {
  /** The bootstrap admin key (unrestricted, every scope). */
  rootKey: string;
  /** `apikey create --scopes '*' --domain a.test`. */
  keyA: string;
  /** An unrestricted key with `sso:issue` only. */
  narrowKey: string;
  /** A token of an app restricted to a.test with every scope. */
  appToken: string;
  /** A widget token of alice@a.test, minted by that app. */
  widgetToken: string;
  /** Web sessions of the system admin and of the plain user. */
  sysop: WebSession;
  alice: WebSession;
  /** The domain admin's web session; without it, the domain admin and the plain user use HTTP Basic. */
  boss?: WebSession;
}

const bearer = (token: string) => () => ({ authorization: `Bearer ${token}` });
const basic = (user: string, password: string) => () => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});
const cookie = (s: WebSession, csrf: boolean) => ({
  cookie: { csrf },
  headers: (method: string) => sessionHeaders(s, csrf, method),
});
const user = (self: string, role: Who['role'], adminDomains: Dom[] = []) =>
  ({ kind: 'user', role, home: 'a', self, adminDomains }) as const;
const key = (scopes: Scope[], domain: Dom | null) =>
  ({ kind: 'key', scopes: new Set(scopes), domain }) as const;

/**
 * Every kind of caller. A Basic request checks a password (scrypt, ~0.1 s of
 * CPU): given `boss`'s session, the domain admin and the plain user act only
 * by their session cookies — the same principals (the user and their role)
 * through another door — which saves ~25 s of CPU on one engine.
 */
export function buildPrincipals(c: Credentials, password: string): Principal[] {
  const byPassword = c.boss
    ? [
        {
          name: 'domain admin of a (cookie)',
          ...user('boss@a.test', 'domain_admin', ['a']),
          ...cookie(c.boss, true),
        },
      ]
    : [
        {
          name: 'domain admin of a (Basic)',
          ...user('boss@a.test', 'domain_admin', ['a']),
          headers: basic('boss@a.test', password),
        },
        {
          name: 'user of a (Basic)',
          ...user('alice@a.test', 'user'),
          headers: basic('alice@a.test', password),
        },
      ];
  return [
    { name: 'system admin (cookie)', ...user('sysop@a.test', 'admin'), ...cookie(c.sysop, true) },
    { name: 'unrestricted key, every scope', ...key(ALL_SCOPES, null), headers: bearer(c.rootKey) },
    ...byPassword,
    { name: 'user of a (cookie)', ...user('alice@a.test', 'user'), ...cookie(c.alice, true) },
    { name: 'user of a (cookie, no CSRF token)', ...user('alice@a.test', 'user'), ...cookie(c.alice, false) },
    { name: 'API key restricted to a', ...key(ALL_SCOPES, 'a'), headers: bearer(c.keyA) },
    { name: 'app token restricted to a', ...key(ALL_SCOPES, 'a'), app: true, headers: bearer(c.appToken) },
    { name: 'widget token of alice@a.test', kind: 'widget', headers: bearer(c.widgetToken) },
    { name: 'unrestricted key, sso:issue only', ...key(['sso:issue'], null), headers: bearer(c.narrowKey) },
    { name: 'no credentials', kind: 'none', headers: () => ({}) },
  ];
}
