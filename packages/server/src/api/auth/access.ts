import type { Scope, UserRole } from '../../directory/index.js';
import { isScoped, type Principal } from './principal.js';

/**
 * The access rules of the API, as pure functions so they can be tested as a
 * table. Order matters and is the same everywhere: the scope first (403
 * `INSUFFICIENT_SCOPE`, which reveals nothing about the target), then
 * visibility (404, so a caller cannot learn that another domain's objects
 * exist), then rights on a visible target (403 `FORBIDDEN`).
 */

/** What a route acts on. */
export type Target =
  /** Install-wide: creating or deleting domains. */
  { kind: 'system' } | { kind: 'domain'; domain: string } | { kind: 'user'; address: string; domain: string };

export type Decision =
  | { outcome: 'allow' }
  | { outcome: 'forbidden'; code: 'INSUFFICIENT_SCOPE' | 'FORBIDDEN' }
  | { outcome: 'hidden' };

const ALLOW: Decision = { outcome: 'allow' };
const HIDDEN: Decision = { outcome: 'hidden' };
const NO_SCOPE: Decision = { outcome: 'forbidden', code: 'INSUFFICIENT_SCOPE' };
const FORBIDDEN: Decision = { outcome: 'forbidden', code: 'FORBIDDEN' };

/** What a plain user may do, and only on themselves. */
const SELF_SCOPES: ReadonlySet<Scope> = new Set(['mail:read', 'mail:write', 'users:read']);
/**
 * A plain user's scopes: their own objects, plus their domain's address book (see {@link addressBookDomains})
 * and their own events (see {@link eventsScope}).
 */
const USER_SCOPES: ReadonlySet<Scope> = new Set([...SELF_SCOPES, 'directory:read', 'events:read']);

export function hasScope(p: Principal, scope: Scope): boolean {
  if (isScoped(p)) return p.scopes.has(scope);
  return p.role === 'user' ? USER_SCOPES.has(scope) : true;
}

/** May act on every domain: a system admin, or an API key or app without a domain restriction. */
export function isUnrestricted(p: Principal): boolean {
  return isScoped(p) ? p.domain === null : p.role === 'admin';
}

function seesDomain(p: Principal, domain: string): boolean {
  if (isScoped(p)) return p.domain === null || p.domain === domain;
  if (p.role === 'admin') return true;
  return p.role === 'domain_admin' && p.adminDomains.has(domain);
}

const isSelf = (p: Principal, address: string) => p.kind === 'user' && p.addresses.has(address);

/** Decides whether `p` may use `scope` on `target` (domains and addresses lower-cased). */
export function decide(p: Principal, scope: Scope, target: Target): Decision {
  if (!hasScope(p, scope)) return NO_SCOPE;
  switch (target.kind) {
    case 'system':
      return isUnrestricted(p) ? ALLOW : FORBIDDEN;
    case 'domain':
      if (seesDomain(p, target.domain)) return ALLOW;
      // Users know their own domain exists; hiding it would only confuse.
      return p.kind === 'user' && p.domain === target.domain ? FORBIDDEN : HIDDEN;
    case 'user':
      if (isSelf(p, target.address) && SELF_SCOPES.has(scope)) return ALLOW;
      if (seesDomain(p, target.domain)) return ALLOW;
      return isSelf(p, target.address) ? FORBIDDEN : HIDDEN;
  }
}

/**
 * Whether `p` may use `scope` to name an address of `domain` in a write:
 * give it to a user as an alias, to a group as its address, take it away,
 * or make its holder a member. That is managing the domain's addresses, so
 * it is the domain rule: a domain-restricted key or app only in its domain,
 * a domain admin only in the domains they administer. Like every domain
 * rule, a domain the caller may not see is `hidden` whether it exists or
 * not, so the answer cannot tell another tenant's addresses apart from
 * free ones (no `ADDRESS_TAKEN` for them).
 */
export function decideAddress(p: Principal, scope: Scope, domain: string): Decision {
  return decide(p, scope, { kind: 'domain', domain });
}

/**
 * What a write that replaces a list of addresses (a user's aliases) changes:
 * the addresses it adds and the ones it removes. Only these need the
 * caller's rights; one it keeps (a system admin may have put another
 * domain's alias on the user) is no change.
 */
export function addressChanges(
  before: readonly string[],
  after: readonly string[],
): { added: string[]; removed: string[] } {
  const old = new Set(before);
  const next = new Set(after);
  return {
    added: [...next].filter((a) => !old.has(a)),
    removed: [...old].filter((a) => !next.has(a)),
  };
}

/**
 * The domains a list may show: null for all, else the set. A plain user
 * lists nothing (they may read only themselves), which is FORBIDDEN.
 */
export function listScope(p: Principal, scope: Scope): Decision & { domains?: ReadonlySet<string> | null } {
  if (!hasScope(p, scope)) return NO_SCOPE;
  if (isUnrestricted(p)) return { outcome: 'allow', domains: null };
  if (isScoped(p) && p.domain !== null) return { outcome: 'allow', domains: new Set([p.domain]) };
  if (p.kind === 'user' && p.role === 'domain_admin') return { outcome: 'allow', domains: p.adminDomains };
  return FORBIDDEN;
}

/**
 * Whether `p` may give a user `role` over `adminDomains` — and so also
 * whether it may change or delete a user who has them (a domain admin must
 * not edit a system admin's password, nor make anyone a system admin).
 */
export function canGrant(p: Principal, role: UserRole, adminDomains: readonly string[]): boolean {
  if (isUnrestricted(p)) return true;
  if (role === 'admin') return false;
  if (isScoped(p)) return adminDomains.every((d) => d.toLowerCase() === p.domain);
  if (p.role !== 'domain_admin') return false;
  return adminDomains.every((d) => p.adminDomains.has(d.toLowerCase()));
}

/**
 * The scopes of `wanted` that `p` does not hold itself. Giving an app a
 * scope, or its secret, is giving that scope: only a holder may (no
 * escalation through apps).
 */
export function missingScopes(p: Principal, wanted: readonly Scope[]): Scope[] {
  return wanted.filter((s) => !hasScope(p, s));
}

/**
 * The domains whose global address book and departments `p` may read
 * (`directory:read`), null for all. Unlike other lists, a plain user may
 * read one: their own domain's, which webmail autocompletes from. A domain
 * admin reads their own domain's and those they administer; a restricted
 * key its domain's.
 */
export function addressBookDomains(p: Principal): Decision & { domains?: ReadonlySet<string> | null } {
  if (!hasScope(p, 'directory:read')) return NO_SCOPE;
  if (isUnrestricted(p)) return { outcome: 'allow', domains: null };
  if (isScoped(p)) return { outcome: 'allow', domains: new Set([p.domain ?? '']) };
  const domains = new Set([p.domain]);
  if (p.role === 'domain_admin') for (const d of p.adminDomains) domains.add(d);
  return { outcome: 'allow', domains };
}

/**
 * What global filter rules act on: the install-wide set is a system target
 * (unrestricted callers only), a domain's set is that domain (its admins,
 * keys restricted to it). Personal rules are the user's own target, read
 * with `mail:read` and written with `mail:write` like the rest of their mail,
 * so a user manages their own rules.
 */
export const rulesTarget = (domain: string | null): Target =>
  domain === null ? { kind: 'system' } : { kind: 'domain', domain };

/**
 * What of the event log `p` may read (`events:read`): an unrestricted caller
 * all of it, a domain-restricted key or app its domain's events, a domain
 * admin the domains they administer, a plain user the events about their own
 * address (`address` is their canonical one).
 */
export function eventsScope(
  p: Principal,
  address?: string,
): Decision & { scope?: { domains: 'all' } | { domains: string[] } | { address: string } } {
  if (!hasScope(p, 'events:read')) return NO_SCOPE;
  if (isUnrestricted(p)) return { outcome: 'allow', scope: { domains: 'all' } };
  if (isScoped(p)) return { outcome: 'allow', scope: { domains: [p.domain ?? ''] } };
  if (p.role === 'domain_admin') return { outcome: 'allow', scope: { domains: [...p.adminDomains] } };
  return address ? { outcome: 'allow', scope: { address } } : FORBIDDEN;
}
