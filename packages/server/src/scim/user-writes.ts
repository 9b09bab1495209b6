import { type Directory, SCIM_SOURCE, type UpdateUserInput, type User } from '../directory/index.js';
import { AppError, normalizeAddress, splitAddress } from '../shared/index.js';
import { ScimError } from './errors.js';
import { checkIfMatch, type ScimResource } from './meta.js';
import { applyPatch } from './patch.js';
import { SCIMMY } from './scimmy.js';
import type { ScimContext, ScimScope, ScimSettings } from './types.js';
import type { UserReads } from './user-reads.js';
import { fieldsOf, readUserBody, type UserFields } from './user-resource.js';

/**
 * Writes through the directory's own calls (createUser, updateUser,
 * deleteUser, createGroup) — the ones the REST API makes — so whatever
 * they do besides (events, the recipient cache) happens alike.
 */
export function createUserWrites(directory: Directory, reads: UserReads, settings: ScimSettings) {
  /** A department of the domain by name (case-insensitive), made at the top level when there is none. */
  async function departmentIds(domain: string, name: string | null): Promise<string[]> {
    if (name === null) return [];
    const stack = await directory.groupTree(domain);
    while (stack.length) {
      const node = stack.pop();
      if (!node) break;
      if (node.kind === 'department' && node.name.toLowerCase() === name.toLowerCase()) return [node.id];
      stack.push(...node.children);
    }
    const made = await directory.createGroup({ domain, name, kind: 'department', source: SCIM_SOURCE });
    return [made.id];
  }

  /** What SCIM may not change: a directory-synced user, or (for a domain-restricted credential) an admin. */
  function assertWritable(user: User, scope: ScimScope): void {
    if (user.source !== null && user.source !== SCIM_SOURCE)
      throw new ScimError(
        400,
        'mutability',
        `${user.address} is synced from the directory ${user.source}; change it there`,
      );
    const outranks =
      user.role === 'admin' || user.adminDomains.some((d) => scope.domains && !scope.domains.has(d));
    if (scope.domains && outranks)
      throw new ScimError(403, null, 'a domain-restricted credential cannot change an administrator');
  }

  /** Changes `user` from what SCIM showed (`before`) to `next`; only what differs is written. */
  async function update(user: User, before: UserFields, next: UserFields): Promise<User> {
    if (normalizeAddress(next.userName) !== user.address)
      throw new ScimError(400, 'mutability', 'userName (the mail address) cannot be changed');
    const patch: UpdateUserInput = {};
    if (next.displayName !== before.displayName) patch.displayName = next.displayName;
    if (next.active !== user.enabled) patch.enabled = next.active;
    if (next.externalId !== before.externalId) patch.scimExternalId = next.externalId;
    if (next.department?.toLowerCase() !== before.department?.toLowerCase())
      patch.departments = await departmentIds(user.domain, next.department);
    return Object.keys(patch).length ? directory.updateUser(user.address, patch) : user;
  }

  /** The current representation of a user SCIM may write, once If-Match agrees. */
  async function writable(id: string, ctx: ScimContext, ifMatch: string | undefined) {
    const user = await reads.find(id, ctx.scope);
    assertWritable(user, ctx.scope);
    const [current] = await reads.represent([user], ctx.base);
    checkIfMatch(current as ScimResource, ifMatch);
    return { user, current: current as ScimResource };
  }

  const representOne = async (user: User, ctx: ScimContext) =>
    (await reads.represent([user], ctx.base))[0] as ScimResource;

  async function create(body: unknown, ctx: ScimContext): Promise<ScimResource> {
    const fields = readUserBody(body);
    const address = normalizeAddress(fields.userName);
    const domain = splitAddress(address)?.domain;
    if (!domain) throw new ScimError(400, 'invalidValue', 'userName must be a mail address (local@domain)');
    if (ctx.scope.domains && !ctx.scope.domains.has(domain))
      throw new ScimError(400, 'invalidValue', `userName: ${domain} is not a domain this credential manages`);
    const existing = await directory.getUser(address).catch((err) => {
      if (err instanceof AppError && err.code === 'USER_NOT_FOUND') return null;
      throw err;
    });
    // A user SCIM deleted but jdmail kept (disabled): provisioned again, with their mail.
    if (existing?.scimDeletedAt && existing.address === address) {
      assertWritable(existing, ctx.scope);
      const revived = await directory.updateUser(address, { scimDeleted: false });
      const before = fieldsOf(await representOne(revived, ctx));
      return representOne(await update(revived, before, fields), ctx);
    }
    if (existing) throw new ScimError(409, 'uniqueness', `${address} already exists`);
    const departments = await departmentIds(domain, fields.department);
    let user = await directory.createUser({
      address,
      displayName: fields.displayName,
      departments,
      source: SCIM_SOURCE,
      scimExternalId: fields.externalId,
    });
    if (!fields.active) user = await directory.updateUser(address, { enabled: false });
    return representOne(user, ctx);
  }

  return {
    create,
    async replace(id: string, body: unknown, ctx: ScimContext, ifMatch?: string) {
      const { user, current } = await writable(id, ctx, ifMatch);
      return representOne(await update(user, fieldsOf(current), readUserBody(body)), ctx);
    },
    async patch(id: string, body: unknown, ctx: ScimContext, ifMatch?: string) {
      const { user, current } = await writable(id, ctx, ifMatch);
      const patched = await applyPatch(SCIMMY.Schemas.User, current, body);
      return representOne(await update(user, fieldsOf(current), fieldsOf(patched)), ctx);
    },
    async remove(id: string, ctx: ScimContext, ifMatch?: string) {
      const { user } = await writable(id, ctx, ifMatch);
      if (settings.deleteAction === 'delete') await directory.deleteUser(user.address);
      else await directory.updateUser(user.address, { enabled: false, scimDeleted: true });
    },
  };
}
