import type { Directory, User } from '../directory/index.js';
import { AppError, normalizeAddress, splitAddress } from '../shared/index.js';
import { USER_CATALOG } from './catalog.js';
import { ScimError } from './errors.js';
import { type FilterNode, matches, parseFilter, requiredEquality } from './filter/index.js';
import { type ListQuery, listResponse, paging } from './list.js';
import type { ScimResource } from './meta.js';
import type { ScimContext, ScimList, ScimScope, ScimSettings } from './types.js';
import { toScimUser } from './user-resource.js';

/** Users a filter with no usable equality is checked against, at most; past it, 400 `tooMany`. */
export const SCAN_LIMIT = 100_000;
const SCAN_PAGE = 500;

export const userNotFound = (id: string) => new ScimError(404, null, `User ${id} not found`);

/** Reading users for SCIM: one by id, lists with filters and paging, all within the caller's domains. */
export function createUserReads(directory: Directory, settings: ScimSettings) {
  async function represent(users: readonly User[], base: string): Promise<ScimResource[]> {
    const groups = await directory.groupMemberships(users.map((u) => u.id));
    return users.map((u) => toScimUser(u, groups.get(u.id) ?? [], base));
  }

  /** The user with this SCIM id, visible to the caller and not deleted over SCIM; else 404. */
  async function find(id: string, scope: ScimScope): Promise<User> {
    const page = await directory.listUsers({
      ids: [id],
      visibleDomains: scope.domains,
      hideScimDeleted: true,
      limit: 1,
    });
    const user = page.items[0];
    if (!user) throw userNotFound(id);
    return user;
  }

  /** The user an address (or alias) names, when the caller may see them; none otherwise. */
  async function byAddress(address: string, scope: ScimScope): Promise<User[]> {
    const domain = splitAddress(normalizeAddress(address))?.domain;
    if (!domain || (scope.domains && !scope.domains.has(domain))) return [];
    try {
      const user = await directory.getUser(address);
      const visible = !scope.domains || scope.domains.has(user.domain);
      return visible && !user.scimDeletedAt ? [user] : [];
    } catch (err) {
      if (err instanceof AppError && err.code === 'USER_NOT_FOUND') return [];
      throw err;
    }
  }

  /** The few users an equality in the filter narrows it to, or null when every user must be checked. */
  async function candidates(filter: FilterNode, scope: ScimScope): Promise<User[] | null> {
    const address = requiredEquality(filter, 'username') ?? requiredEquality(filter, 'emails.value');
    if (address !== undefined) return byAddress(address, scope);
    const id = requiredEquality(filter, 'id');
    if (id !== undefined)
      return find(id, scope).then(
        (u) => [u],
        () => [],
      );
    const externalId = requiredEquality(filter, 'externalid');
    if (externalId === undefined) return null;
    const page = await directory.listUsers({
      scimExternalId: externalId,
      visibleDomains: scope.domains,
      hideScimDeleted: true,
      limit: SCAN_PAGE,
    });
    return page.items;
  }

  /** Every visible user matching `filter`, in address order. */
  async function matching(filter: FilterNode, ctx: ScimContext): Promise<ScimResource[]> {
    const few = await candidates(filter, ctx.scope);
    if (few) return (await represent(few, ctx.base)).filter((r) => matches(filter, r, USER_CATALOG));
    const out: ScimResource[] = [];
    let cursor: string | undefined;
    for (let scanned = 0; ; scanned += SCAN_PAGE) {
      if (scanned >= SCAN_LIMIT)
        throw new ScimError(
          400,
          'tooMany',
          'the filter must name userName, emails.value, id or externalId with eq here',
        );
      const page = await directory.listUsers({
        visibleDomains: ctx.scope.domains,
        hideScimDeleted: true,
        limit: SCAN_PAGE,
        cursor,
      });
      out.push(...(await represent(page.items, ctx.base)).filter((r) => matches(filter, r, USER_CATALOG)));
      if (!page.nextCursor) return out;
      cursor = page.nextCursor;
    }
  }

  async function list(query: ListQuery, ctx: ScimContext): Promise<ScimList> {
    const { startIndex, count } = paging(query, settings.maxResults);
    if (query.filter === undefined) {
      const page = await directory.listUsers({
        visibleDomains: ctx.scope.domains,
        hideScimDeleted: true,
        offset: startIndex - 1,
        limit: count,
        withTotal: true,
      });
      return listResponse(await represent(page.items, ctx.base), page.total ?? 0, startIndex);
    }
    const all = await matching(parseFilter(query.filter, USER_CATALOG), ctx);
    return listResponse(all.slice(startIndex - 1, startIndex - 1 + count), all.length, startIndex);
  }

  return {
    find,
    represent,
    list,
    async get(id: string, ctx: ScimContext): Promise<ScimResource> {
      const [resource] = await represent([await find(id, ctx.scope)], ctx.base);
      return resource as ScimResource;
    },
  };
}

export type UserReads = ReturnType<typeof createUserReads>;
