import { type Directory, type Group, SCIM_SOURCE, type User } from '../directory/index.js';
import { AppError } from '../shared/index.js';
import { GROUP_CATALOG } from './catalog.js';
import { ScimError } from './errors.js';
import type { FilterNode } from './filter/ast.js';
import { matches, parseFilter, requiredEquality } from './filter/index.js';
import { type GroupFields, groupFieldsOf, readGroupBody, toScimGroup } from './group-resource.js';
import { type ListQuery, listResponse, paging } from './list.js';
import { checkIfMatch, type ScimResource } from './meta.js';
import { applyPatch } from './patch.js';
import { SCIMMY } from './scimmy.js';
import type { ScimContext, ScimResources, ScimScope, ScimSettings } from './types.js';

const PAGE = 500;
const mentionsMembers = (n: FilterNode): boolean =>
  n.kind === 'and' || n.kind === 'or'
    ? mentionsMembers(n.left) || mentionsMembers(n.right)
    : n.kind === 'not'
      ? mentionsMembers(n.expr)
      : 'path' in n && n.path[0] === 'members';

/**
 * SCIM Groups over jdmail's groups and departments (both kinds are shown,
 * as the REST API's tree shows them); a group SCIM creates is a top-level
 * group (kind `group`, source `scim`) of the credential's domain. Members
 * are users, by their SCIM id; members in domains the caller may not see
 * are neither shown nor touched.
 */
export function createScimGroups(directory: Directory, settings: ScimSettings): ScimResources {
  const sees = (scope: ScimScope, domain: string) => !scope.domains || scope.domains.has(domain);

  async function find(id: string, scope: ScimScope): Promise<Group> {
    const group = await directory.getGroup(id).catch((err) => {
      if (err instanceof AppError && err.code === 'GROUP_NOT_FOUND') return null;
      throw err;
    });
    if (!group || !sees(scope, group.domain)) throw new ScimError(404, null, `Group ${id} not found`);
    return group;
  }

  async function represent(group: Group, ctx: ScimContext, withMembers = true): Promise<ScimResource> {
    const members = withMembers ? await directory.listGroupMembers(group.id) : [];
    const visible = members.filter((u) => sees(ctx.scope, u.domain) && !u.scimDeletedAt);
    return toScimGroup(group, group.createdAt ?? 0, visible, ctx.base);
  }

  /** Users by SCIM id, each visible to the caller; an unknown one is 400 (RFC 7644 §3.12 invalidValue). */
  async function resolveMembers(ids: readonly string[], scope: ScimScope): Promise<User[]> {
    if (ids.length === 0) return [];
    const page = await directory.listUsers({
      ids,
      visibleDomains: scope.domains,
      hideScimDeleted: true,
      limit: ids.length,
    });
    const found = new Set(page.items.map((u) => u.id));
    const missing = ids.find((id) => !found.has(id));
    if (missing) throw new ScimError(400, 'invalidValue', `member ${missing} is not a User`);
    return page.items;
  }

  async function domainForNew(scope: ScimScope): Promise<string> {
    if (scope.domains?.size === 1) return [...scope.domains][0] as string;
    const page = await directory.listDomains({ visibleDomains: scope.domains, limit: 2 });
    if (page.items.length === 1) return (page.items[0] as { name: string }).name;
    throw new ScimError(
      400,
      'invalidValue',
      'a group needs a domain: provision groups with a credential restricted to one domain',
    );
  }

  async function list(query: ListQuery, ctx: ScimContext) {
    const { startIndex, count } = paging(query, settings.maxResults);
    if (query.filter === undefined) {
      const page = await directory.listGroups({
        visibleDomains: ctx.scope.domains,
        offset: startIndex - 1,
        limit: count,
      });
      return listResponse(
        await Promise.all(page.items.map((g) => represent(g, ctx))),
        page.total,
        startIndex,
      );
    }
    const filter = parseFilter(query.filter, GROUP_CATALOG);
    const externalId = requiredEquality(filter, 'externalid');
    const matched: Group[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await directory.listGroups({
        visibleDomains: ctx.scope.domains,
        offset,
        limit: PAGE,
        scimExternalId: externalId,
      });
      for (const g of page.items)
        if (matches(filter, await represent(g, ctx, mentionsMembers(filter)), GROUP_CATALOG)) matched.push(g);
      if (offset + PAGE >= page.total) break;
    }
    const slice = matched.slice(startIndex - 1, startIndex - 1 + count);
    return listResponse(await Promise.all(slice.map((g) => represent(g, ctx))), matched.length, startIndex);
  }

  async function writable(id: string, ctx: ScimContext, ifMatch: string | undefined) {
    const group = await find(id, ctx.scope);
    if (group.source !== null && group.source !== SCIM_SOURCE)
      throw new ScimError(
        400,
        'mutability',
        `${group.name} is synced from the directory ${group.source}; change it there`,
      );
    const current = await represent(group, ctx);
    checkIfMatch(current, ifMatch);
    return { group, current };
  }

  /** Renames and re-keys the group, and makes its visible members `next.members`, through the directory. */
  async function apply(group: Group, current: ScimResource, next: GroupFields, ctx: ScimContext) {
    const before = groupFieldsOf(current);
    const wanted = await resolveMembers(next.members, ctx.scope);
    if (next.displayName !== before.displayName || next.externalId !== before.externalId)
      await directory.updateGroup(group.id, { name: next.displayName, scimExternalId: next.externalId });
    const had = new Set(before.members);
    const added = wanted.filter((u) => !had.has(u.id)).map((u) => u.address);
    if (added.length) await directory.addGroupMembers(group.id, added);
    const keep = new Set(next.members);
    const members = await directory.listGroupMembers(group.id);
    for (const u of members)
      if (had.has(u.id) && !keep.has(u.id)) await directory.removeGroupMember(group.id, u.address);
    return represent(await directory.getGroup(group.id), ctx);
  }

  return {
    list,
    get: async (id, ctx) => represent(await find(id, ctx.scope), ctx),
    async create(body, ctx) {
      const fields = readGroupBody(body);
      const members = await resolveMembers(fields.members, ctx.scope);
      const domain = await domainForNew(ctx.scope);
      const group = await directory.createGroup({
        domain,
        name: fields.displayName,
        kind: 'group',
        source: SCIM_SOURCE,
        scimExternalId: fields.externalId,
      });
      if (members.length)
        await directory.addGroupMembers(
          group.id,
          members.map((u) => u.address),
        );
      return represent(await directory.getGroup(group.id), ctx);
    },
    async replace(id, body, ctx, ifMatch) {
      const { group, current } = await writable(id, ctx, ifMatch);
      return apply(group, current, readGroupBody(body), ctx);
    },
    async patch(id, body, ctx, ifMatch) {
      const { group, current } = await writable(id, ctx, ifMatch);
      const patched = await applyPatch(SCIMMY.Schemas.Group, current, body);
      return apply(group, current, groupFieldsOf(patched), ctx);
    },
    async remove(id, ctx, ifMatch) {
      const { group } = await writable(id, ctx, ifMatch);
      await directory.deleteGroup(group.id);
    },
  };
}
