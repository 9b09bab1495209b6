import type { FastifyRequest } from 'fastify';
import { type Directory, type Group, parseScopes, type Scope, type User } from '../../../directory/index.js';
import { AppError, type ErrorCode, normalizeAddress, normalizeDomain } from '../../../shared/index.js';
import {
  assertCanGrant,
  assertHoldsScopes,
  authorize,
  decide,
  isUnrestricted,
  type Principal,
  principalOf,
  userTarget,
} from '../../auth/index.js';

/**
 * The user an address-keyed route acts on, once the caller may see them.
 * The path's own domain is checked before any lookup (others' domains cost
 * nothing and reveal nothing), then the canonical user's, since the path may
 * name an alias. Hidden and missing users are the same USER_NOT_FOUND.
 */
export async function visibleUser(
  request: FastifyRequest,
  directory: Directory,
  scope: Scope,
  rawAddress: string,
): Promise<User> {
  const principal = principalOf(request);
  authorize(principal, scope, userTarget(normalizeAddress(rawAddress)), 'USER_NOT_FOUND');
  const user = await directory.getUser(normalizeAddress(rawAddress));
  authorize(principal, scope, { kind: 'user', address: user.address, domain: user.domain }, 'USER_NOT_FOUND');
  return user;
}

/** Like {@link visibleUser}, and the caller must also outrank the user (no editing a system admin). */
export async function manageableUser(
  request: FastifyRequest,
  directory: Directory,
  rawAddress: string,
): Promise<User> {
  const user = await visibleUser(request, directory, 'users:write', rawAddress);
  assertCanGrant(principalOf(request), user.role, user.adminDomains);
  return user;
}

/** The group a route acts on, once the caller may see its domain; else GROUP_NOT_FOUND. */
export async function visibleGroup(
  request: FastifyRequest,
  directory: Directory,
  scope: Scope,
  id: string,
): Promise<Group> {
  const group = await directory.getGroup(id);
  authorize(principalOf(request), scope, { kind: 'domain', domain: group.domain }, 'GROUP_NOT_FOUND');
  return group;
}

/**
 * The users a group write names as members, once the caller may see each
 * of them as {@link visibleUser} would: the address's domain and the
 * canonical user's (an alias in a visible domain may belong to a user of
 * another). Another tenant's users answer USER_NOT_FOUND, as missing ones do.
 * An unrestricted caller sees everyone; the directory reports missing ones.
 */
export async function assertVisibleMembers(
  request: FastifyRequest,
  directory: Directory,
  scope: Scope,
  addresses: readonly string[],
): Promise<void> {
  if (isUnrestricted(principalOf(request))) return;
  for (const address of addresses) await visibleUser(request, directory, scope, address);
}

/** Whether `p` may see `user` with `scope` as a member of a group (see {@link assertVisibleMembers}). */
export const seesMember = (p: Principal, scope: Scope, user: User): boolean =>
  decide(p, scope, { kind: 'user', address: user.address, domain: user.domain }).outcome === 'allow';

/**
 * Whether the caller may make an integration credential (an app, an API key)
 * with `scopes`, restricted to `domain` or to none: a restricted caller only
 * for its own domain (another answers DOMAIN_NOT_FOUND, an unrestricted one
 * is install-wide: FORBIDDEN), and only with scopes it holds itself.
 */
export function assertMayMakeCredential(
  request: FastifyRequest,
  scope: Scope,
  input: { scopes: string[]; domain?: string | null },
): void {
  const principal = principalOf(request);
  const target = input.domain
    ? { kind: 'domain' as const, domain: normalizeDomain(input.domain) }
    : { kind: 'system' as const };
  authorize(principal, scope, target, 'DOMAIN_NOT_FOUND');
  assertHoldsScopes(principal, parseScopes(input.scopes));
}

/**
 * An integration credential (an app, an API key) the caller may see: one
 * restricted to a domain is visible to whoever manages that domain with
 * `scope`, an unrestricted one only to unrestricted callers. Hidden and
 * missing ones are the same `notFound`. Then the caller must hold every scope
 * the credential has — seeing it is enough to read it, but rotating, revoking
 * or changing it hands those scopes on.
 */
export function assertSeesCredential(
  request: FastifyRequest,
  credential: { domain: string | null; scopes: readonly Scope[] },
  scope: Scope,
  notFound: ErrorCode,
  options: { manage: boolean },
): void {
  const principal = principalOf(request);
  if (credential.domain === null) {
    if (!isUnrestricted(principal)) throw new AppError(notFound);
  } else {
    authorize(principal, scope, { kind: 'domain', domain: credential.domain }, notFound);
  }
  if (options.manage) assertHoldsScopes(principal, credential.scopes);
}

/** The user themselves (their session or their password), else FORBIDDEN for a caller who sees them. */
export function assertSelf(request: FastifyRequest, user: User, what: string): void {
  const p = principalOf(request);
  if (p.kind !== 'user' || p.id !== user.id) throw new AppError('FORBIDDEN', `Only the user may ${what}`);
}
