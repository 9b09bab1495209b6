/**
 * The access rules of the API as the authorization matrix expects them,
 * stated here on their own (not imported from the server), so the test
 * checks the server against the README's promise rather than against
 * itself:
 *
 * - a request without credentials is 401; a webmail cookie without its
 *   CSRF token on a POST/PUT/PATCH/DELETE is 403 `CSRF_FAILED`;
 * - then the scope: API keys and app tokens hold theirs, admins every
 *   scope, a plain user `mail:read`, `mail:write`, `users:read`,
 *   `directory:read` and `events:read` (their own events), a widget token none — else 403 `INSUFFICIENT_SCOPE`;
 * - then each object the request names, in the order the route checks
 *   them ({@link Need}): another tenant's object answers 404 as if it did
 *   not exist, an install-wide action 403 for a restricted caller.
 */

/** The two tenants: `a.test`, where every restricted principal lives, and `b.test`. */
export type Dom = 'a' | 'b';
export const DOMAIN: Record<Dom, string> = { a: 'a.test', b: 'b.test' };

export type Scope =
  | 'domains:read'
  | 'domains:write'
  | 'users:read'
  | 'users:write'
  | 'groups:read'
  | 'groups:write'
  | 'mail:read'
  | 'mail:write'
  | 'sso:issue'
  | 'apps:write'
  | 'directory:read'
  | 'directory:write'
  | 'queue:read'
  | 'queue:write'
  | 'events:read'
  /** Only `/scim/v2` (not in the OpenAPI document; tested in test/scim-*.test.ts). */
  | 'scim:write'
  | 'webhooks:read'
  | 'webhooks:write'
  | 'widget:issue'
  | 'audit:read';

/** What a plain user may do to themselves (and only to themselves, but for their domain's address book). */
const SELF_SCOPES: ReadonlySet<Scope> = new Set(['mail:read', 'mail:write', 'users:read']);
const USER_SCOPES: ReadonlySet<Scope> = new Set([...SELF_SCOPES, 'directory:read', 'events:read']);

/** A kind of caller, as the rules see it. */
export interface Who {
  name: string;
  /** `widget`: a widget token, which holds no scope (only the widget's own routes take it). */
  kind: 'none' | 'user' | 'key' | 'widget';
  /** Keys: an app's token rather than an API key (only apps mint widget tokens). */
  app?: boolean;
  /** Users: their role. */
  role?: 'admin' | 'domain_admin' | 'user';
  /** Users: the domain of their own address. */
  home?: Dom;
  /** Users: their own address (the `self` cases). */
  self?: string;
  adminDomains?: readonly Dom[];
  /** Keys and app tokens: their scopes and domain restriction (null: every domain). */
  scopes?: ReadonlySet<Scope>;
  domain?: Dom | null;
  /** Signed in with the webmail's session cookie; `csrf` false: without the X-CSRF-Token header. */
  cookie?: { csrf: boolean };
}

/** An answer: the status and, for problem+json answers, the code. */
export interface Answer {
  status: number;
  code?: string;
}

/** One object a request names, in the order the route checks it. */
export type Need =
  /** An install-wide action (domains, directory sync): unrestricted callers only, else 403. */
  | { on: 'system' }
  /** A list that shows several domains: refused (403) to plain users, filtered for the rest. */
  | { on: 'list' }
  /** A domain, or an object of it (group, app): 404 `missing` outside the caller's domains. */
  | { on: 'domain'; d: Dom; missing: string }
  /** A user by address: as a domain, but a user's own address passes for their own scopes. */
  | { on: 'user'; d: Dom; missing: string; self?: boolean }
  /** An address named in a body (alias, group address): 404 DOMAIN_NOT_FOUND outside the caller's domains. */
  | { on: 'address'; d: Dom }
  /** A domain's address book: its users may read it too. */
  | { on: 'book'; d: Dom }
  /** An app (or API key) without a domain restriction: only unrestricted callers see it; `missing` answers the rest. */
  | { on: 'global-app'; missing?: string }
  /** Only an app may: anyone else who holds the scope is refused (403), before any object is looked at. */
  | { on: 'app-caller' }
  /** Only the user themselves (their own password, their own sessions): anyone else who sees them is refused (403). */
  | { on: 'owner'; self: boolean };

export const UNAUTHENTICATED: Answer = { status: 401, code: 'UNAUTHENTICATED' };
const CSRF: Answer = { status: 403, code: 'CSRF_FAILED' };
const NO_SCOPE: Answer = { status: 403, code: 'INSUFFICIENT_SCOPE' };
const FORBIDDEN: Answer = { status: 403, code: 'FORBIDDEN' };

export function holds(w: Who, scope: Scope): boolean {
  if (w.kind === 'none' || w.kind === 'widget') return false;
  if (w.kind === 'key') return w.scopes?.has(scope) ?? false;
  return w.role === 'user' ? USER_SCOPES.has(scope) : true;
}

export function unrestricted(w: Who): boolean {
  return w.kind === 'key' ? w.domain === null : w.kind === 'user' && w.role === 'admin';
}

/** May act on objects and addresses of domain `d`. */
export function manages(w: Who, d: Dom): boolean {
  if (unrestricted(w)) return true;
  if (w.kind === 'key') return w.domain === d;
  return w.role === 'domain_admin' && (w.adminDomains ?? []).includes(d);
}

/** May read domain `d`'s address book: who manages it, and its own users. */
export const readsBook = (w: Who, d: Dom): boolean => manages(w, d) || (w.kind === 'user' && w.home === d);

/** The answer to a domain-like object the caller does not manage: their own domain is 403, any other 404. */
const outside = (w: Who, d: Dom, missing: string): Answer =>
  w.kind === 'user' && w.home === d ? FORBIDDEN : { status: 404, code: missing };

function check(w: Who, scope: Scope, need: Need): Answer | null {
  switch (need.on) {
    case 'system':
      return unrestricted(w) ? null : FORBIDDEN;
    case 'list':
      return w.kind === 'user' && w.role === 'user' ? FORBIDDEN : null;
    case 'domain':
      return manages(w, need.d) ? null : outside(w, need.d, need.missing);
    case 'user':
      if (need.self && SELF_SCOPES.has(scope)) return null;
      if (manages(w, need.d)) return null;
      return need.self ? FORBIDDEN : { status: 404, code: need.missing };
    case 'address':
      return manages(w, need.d) ? null : outside(w, need.d, 'DOMAIN_NOT_FOUND');
    case 'book':
      return readsBook(w, need.d) ? null : { status: 404, code: 'DOMAIN_NOT_FOUND' };
    case 'global-app':
      return unrestricted(w) ? null : { status: 404, code: need.missing ?? 'APP_NOT_FOUND' };
    case 'app-caller':
      return w.app ? null : FORBIDDEN;
    case 'owner':
      return need.self && w.kind === 'user' ? null : FORBIDDEN;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** What `w` must get for a request with `method` needing `scope` on `needs`, when allowed: `ok`. */
export function expected(w: Who, method: string, scope: Scope, needs: readonly Need[], ok: Answer): Answer {
  if (w.kind === 'none') return UNAUTHENTICATED;
  if (w.cookie && !w.cookie.csrf && UNSAFE.has(method)) return CSRF;
  if (!holds(w, scope)) return NO_SCOPE;
  for (const need of needs) {
    const refused = check(w, scope, need);
    if (refused) return refused;
  }
  return ok;
}
