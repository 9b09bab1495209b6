import type { Directory, User } from '../../directory/index.js';
import { isAppError, normalizeAddress, splitAddress } from '../../shared/index.js';
import type { Logger } from '../../telemetry/index.js';

/** How a provider's identity becomes a mailbox (OIDC claim, CAS attribute). */
export interface ExternalUserMapping {
  /** Appended as `@domain` to values without an `@` (a username); empty: such values find nobody … */
  domain: string;
  /** Just-in-time provisioning: unknown users of this domain are created; empty: never. */
  jitDomain: string;
  /** Department/group (id or name) a newly created user joins; empty: none. */
  jitGroup: string;
}

export type ExternalUserResult =
  | { ok: true; user: User; created: boolean }
  | { ok: false; reason: 'no_identity' | 'unknown_user' | 'user_disabled' | 'outside_jit_domain' };

/**
 * Finds (or, with JIT provisioning, creates) the user a provider's identity
 * names. `value` is the mapped claim: an address, or a username completed
 * with the provider's domain (falling back to the JIT domain). A created
 * user has no password: they sign in only through SSO. Throws what the
 * directory throws (DIRECTORY_UNAVAILABLE).
 */
export async function resolveExternalUser(
  directory: Directory,
  mapping: ExternalUserMapping,
  value: unknown,
  displayName: string,
  log: Logger,
): Promise<ExternalUserResult> {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 320) {
    return { ok: false, reason: 'no_identity' };
  }
  const domain = mapping.domain || mapping.jitDomain;
  const raw = value.includes('@') ? value : domain ? `${value}@${domain}` : '';
  if (!raw) return { ok: false, reason: 'unknown_user' };
  const address = normalizeAddress(raw);

  const existing = await findUser(directory, address);
  if (existing)
    return existing.enabled
      ? { ok: true, user: existing, created: false }
      : { ok: false, reason: 'user_disabled' };

  const jitDomain = mapping.jitDomain.toLowerCase();
  if (!jitDomain) return { ok: false, reason: 'unknown_user' };
  if (splitAddress(address)?.domain !== jitDomain) return { ok: false, reason: 'outside_jit_domain' };
  let user: User;
  try {
    user = await directory.createUser({ address, displayName: displayName.slice(0, 256) });
  } catch (err) {
    // Two first sign-ins at once: the other one created the user.
    if (isAppError(err) && err.code === 'ADDRESS_TAKEN') {
      const raced = await findUser(directory, address);
      if (raced?.enabled) return { ok: true, user: raced, created: false };
    }
    throw err;
  }
  log.info({ user: address }, 'user created at first SSO sign-in');
  if (mapping.jitGroup) await joinGroup(directory, user, mapping.jitGroup, log);
  return { ok: true, user, created: true };
}

async function findUser(directory: Directory, address: string): Promise<User | null> {
  try {
    return await directory.getUser(address);
  } catch (err) {
    if (isAppError(err) && err.code === 'USER_NOT_FOUND') return null;
    throw err;
  }
}

/** Adds a new user to the configured group, found by id or else by name in the user's domain. */
async function joinGroup(directory: Directory, user: User, group: string, log: Logger): Promise<void> {
  let id: string | undefined;
  try {
    const g = await directory.getGroup(group);
    if (g.domain === user.domain) id = g.id;
  } catch (err) {
    if (!(isAppError(err) && err.code === 'GROUP_NOT_FOUND')) throw err;
  }
  if (!id) {
    const stack = await directory.groupTree(user.domain);
    while (stack.length > 0 && !id) {
      const node = stack.pop();
      if (node?.name === group) id = node.id;
      else if (node) stack.push(...node.children);
    }
  }
  if (!id) {
    // A configuration mistake must not block sign-in; the admin sees it in the log.
    log.warn({ user: user.address, group }, 'JIT group not found in the user’s domain; user not added');
    return;
  }
  await directory.addGroupMembers(id, [user.address]);
}
