import type { FastifyRequest } from 'fastify';
import type { Scope, User } from '../../directory/index.js';
import { AppError, type ErrorCode, normalizeAddress, splitAddress } from '../../shared/index.js';
import {
  addressBookDomains,
  addressChanges,
  canGrant,
  type Decision,
  decide,
  decideAddress,
  eventsScope,
  listScope,
  missingScopes,
  type Target,
} from './access.js';
import type { Principal } from './principal.js';

/**
 * The throwing face of {@link decide} for route handlers: turns a decision
 * into the error the client sees. `notFound` is the code of the resource the
 * route serves, so a hidden object is indistinguishable from a missing one.
 */
export function authorize(p: Principal, scope: Scope, target: Target, notFound: ErrorCode): void {
  raise(decide(p, scope, target), notFound);
}

function raise(d: Decision, notFound: ErrorCode): void {
  if (d.outcome === 'allow') return;
  if (d.outcome === 'hidden') throw new AppError(notFound);
  throw new AppError(d.code, d.code === 'FORBIDDEN' ? 'You may not do this to this object' : undefined);
}

/** Target of an address-keyed route, from the (already normalized) address. */
export function userTarget(address: string): Target {
  return { kind: 'user', address, domain: splitAddress(address)?.domain ?? '' };
}

/** The (lower-cased) domain of an address, '' when it has none (no domain is named '': nobody manages it). */
const domainOf = (address: string): string => splitAddress(normalizeAddress(address))?.domain ?? '';

/**
 * Throws unless `p` may use `scope` to name `address` in a write (see
 * {@link decideAddress}): every address, alias, group address and member a
 * body names goes through here. Another tenant's domain answers 404
 * `DOMAIN_NOT_FOUND` naming `field`, the same whether the domain or the
 * address exists or not; a user's own domain they do not administer, 403.
 */
export function assertManageableAddress(p: Principal, scope: Scope, address: string, field: string): void {
  const domain = domainOf(address);
  const d = decideAddress(p, scope, domain);
  if (d.outcome === 'allow') return;
  if (d.outcome === 'hidden') {
    throw new AppError('DOMAIN_NOT_FOUND', `${field}: ${domain} is not a domain you manage`, { field });
  }
  throw new AppError(d.code, `${field}: you may not manage addresses in ${domain}`, { field });
}

/**
 * Throws unless `p` may make the change from `before` to `after` to a list
 * of addresses (a user's aliases, `field`): each one added must be in a
 * domain it manages (404 otherwise, as above), and so must each one removed.
 * A removed one was shown to the caller with the user, so refusing it is
 * 403, not 404: it exists, but taking another tenant's address away from
 * the user would change where that tenant's mail goes.
 */
export function assertManageableAddressChange(
  p: Principal,
  scope: Scope,
  before: readonly string[],
  after: readonly string[],
  field: string,
): void {
  const normalized = after.map(normalizeAddress);
  const { added, removed } = addressChanges(before.map(normalizeAddress), normalized);
  for (const a of added) assertManageableAddress(p, scope, a, `${field}[${normalized.indexOf(a)}]`);
  for (const a of removed) {
    if (decideAddress(p, scope, domainOf(a)).outcome !== 'allow') {
      throw new AppError('FORBIDDEN', `${field}: you may not remove ${a}, its domain is not one you manage`, {
        field,
      });
    }
  }
}

/** The domains a list may show (null = all), or the error for a caller who may list nothing. */
export function visibleDomains(p: Principal, scope: Scope): ReadonlySet<string> | null {
  const d = listScope(p, scope);
  raise(d, 'NOT_FOUND');
  return d.domains ?? null;
}

/** The domains whose address book `p` may read (null = all); INSUFFICIENT_SCOPE without `directory:read`. */
export function readableAddressBooks(p: Principal): ReadonlySet<string> | null {
  const d = addressBookDomains(p);
  raise(d, 'NOT_FOUND');
  return d.domains ?? null;
}

/** FORBIDDEN unless `p` could have granted `role`/`adminDomains` itself (no privilege escalation). */
export function assertCanGrant(p: Principal, role: User['role'], adminDomains: readonly string[]): void {
  if (!canGrant(p, role, adminDomains)) {
    throw new AppError('FORBIDDEN', 'You cannot grant or manage this role or these admin domains');
  }
}

/** The caller, set by the auth hook on every route that declares a requirement. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('UNAUTHENTICATED');
  return request.principal;
}

/** INSUFFICIENT_SCOPE unless `p` holds every scope it is about to hand on (to an app). */
export function assertHoldsScopes(p: Principal, scopes: readonly Scope[]): void {
  const missing = missingScopes(p, scopes);
  if (missing.length > 0) {
    throw new AppError(
      'INSUFFICIENT_SCOPE',
      `You cannot grant scopes you do not hold: ${missing.join(', ')}`,
    );
  }
}

/** What of the event log `p` may read (see {@link eventsScope}); INSUFFICIENT_SCOPE without `events:read`. */
export function readableEvents(
  p: Principal,
): { domains: 'all' } | { domains: string[] } | { address: string } {
  const own = p.kind === 'user' ? (p.address ?? [...p.addresses][0]) : undefined;
  const d = eventsScope(p, own);
  raise(d, 'NOT_FOUND');
  return d.scope ?? { domains: [] };
}
