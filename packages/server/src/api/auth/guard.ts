import type { FastifyRequest } from 'fastify';
import type { Scope, User } from '../../directory/index.js';
import { AppError, type ErrorCode, splitAddress } from '../../shared/index.js';
import {
  addressBookDomains,
  canGrant,
  type Decision,
  decide,
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
