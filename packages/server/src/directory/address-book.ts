import { type Kysely, sql } from 'kysely';
import type { DB, GroupKind } from '../store/index.js';
import { nameKeyQuery } from './name-keys.js';
import type { Page } from './types.js';
import { cursor, likePattern } from './validate.js';

/** One addressable entry of the global address book. */
export interface AddressBookEntry {
  kind: 'user' | 'group';
  address: string;
  name: string;
  domain: string;
  /** The user's departments (usually one); empty for groups. */
  departments: { id: string; name: string }[];
  /** For groups: department or group. */
  groupKind: GroupKind | null;
}

export interface AddressBookQuery {
  /** Substring of name, address or (for users) department name; pinyin (full or initials) of a Chinese name. */
  q?: string;
  domain?: string;
  /** Restrict to these domains; null = all. */
  visibleDomains: ReadonlySet<string> | null;
  /** Only the direct members of this department or group (no groups then). */
  groupId?: string;
  limit: number;
  cursor?: string;
}

/** A department in the tree: the same fields as a group's (`kind` is always `department`). */
export interface DepartmentNode {
  id: string;
  domain: string;
  name: string;
  kind: 'department';
  parentId: string | null;
  /** Its distribution address, if it has one. */
  address: string | null;
  sortOrder: number;
  /** Direct members that are enabled. */
  memberCount: number;
  /** Directory source it is synced from; null when made in jdmail. */
  source: string | null;
  children: DepartmentNode[];
}

/** The global address book and department tree (what webmail autocompletes from, an org chart shows). */
export interface AddressBook {
  /** Enabled users and groups with an address, ordered by address. */
  search(query: AddressBookQuery): Promise<Page<AddressBookEntry>>;
  /** The domain's departments as a tree (groups of kind `department`). */
  departments(domain: string): Promise<DepartmentNode[]>;
}

/** The address book over the metadata database. */
export function createAddressBook(db: Kysely<DB>): AddressBook {
  async function users(o: AddressBookQuery, after: string | undefined, visible: string[] | null) {
    let q = db
      .selectFrom('users')
      .innerJoin('domains', 'domains.id', 'users.domain_id')
      .select(['users.id', 'users.address', 'users.display_name', 'domains.name as domain'])
      .where('users.enabled', '=', 1)
      .orderBy('users.address')
      .limit(o.limit + 1);
    if (after !== undefined) q = q.where('users.address', '>', after);
    if (o.domain !== undefined) q = q.where('domains.name', '=', o.domain);
    if (visible) q = q.where('domains.name', 'in', visible);
    if (o.groupId !== undefined) {
      const groupId = o.groupId;
      q = q.where(
        'users.id',
        'in',
        db.selectFrom('group_members').select('user_id').where('group_id', '=', groupId),
      );
    }
    if (o.q) {
      const p = likePattern(o.q);
      // Pinyin, full or initials (`zhangsan`, `zs` → 张三): keys written with the name (name-keys.ts).
      const keys = nameKeyQuery(o.q) ? likePattern(nameKeyQuery(o.q)) : p;
      q = q.where((eb) =>
        eb.or([
          sql<boolean>`lower(users.address) like ${p} escape '\\'`,
          sql<boolean>`lower(users.display_name) like ${p} escape '\\'`,
          sql<boolean>`users.name_keys like ${keys} escape '\\'`,
          eb.exists(
            eb
              .selectFrom('group_members')
              .innerJoin('groups', 'groups.id', 'group_members.group_id')
              .select('groups.id')
              .whereRef('group_members.user_id', '=', 'users.id')
              .where('groups.kind', '=', 'department')
              .where(sql<boolean>`lower(groups.name) like ${p} escape '\\'`),
          ),
        ]),
      );
    }
    const rows = await q.execute();
    const ids = rows.map((r) => r.id);
    const depts = ids.length
      ? await db
          .selectFrom('group_members')
          .innerJoin('groups', 'groups.id', 'group_members.group_id')
          .select(['group_members.user_id', 'groups.id', 'groups.name'])
          .where('group_members.user_id', 'in', ids)
          .where('groups.kind', '=', 'department')
          .orderBy('groups.sort_order')
          .orderBy('groups.name')
          .execute()
      : [];
    return rows.map(
      (r): AddressBookEntry => ({
        kind: 'user',
        address: r.address,
        name: r.display_name,
        domain: r.domain,
        departments: depts.filter((d) => d.user_id === r.id).map((d) => ({ id: d.id, name: d.name })),
        groupKind: null,
      }),
    );
  }

  async function groups(o: AddressBookQuery, after: string | undefined, visible: string[] | null) {
    let q = db
      .selectFrom('groups')
      .innerJoin('domains', 'domains.id', 'groups.domain_id')
      .select(['groups.address', 'groups.name', 'groups.kind', 'domains.name as domain'])
      .where('groups.address', 'is not', null)
      .orderBy('groups.address')
      .limit(o.limit + 1);
    if (after !== undefined) q = q.where('groups.address', '>', after);
    if (o.domain !== undefined) q = q.where('domains.name', '=', o.domain);
    if (visible) q = q.where('domains.name', 'in', visible);
    if (o.q) {
      const p = likePattern(o.q);
      q = q.where((eb) =>
        eb.or([
          sql<boolean>`lower(groups.address) like ${p} escape '\\'`,
          sql<boolean>`lower(groups.name) like ${p} escape '\\'`,
        ]),
      );
    }
    const rows = await q.execute();
    return rows.map(
      (r): AddressBookEntry => ({
        kind: 'group',
        address: r.address ?? '',
        name: r.name,
        domain: r.domain,
        departments: [],
        groupKind: r.kind,
      }),
    );
  }

  return {
    async search(o) {
      const after = cursor.decode(o.cursor);
      const visible = o.visibleDomains ? [...o.visibleDomains] : null;
      if (visible && visible.length === 0) return { items: [], nextCursor: null };
      // Addresses are unique across users and groups, so one key orders (and pages) both.
      const [u, g] = await Promise.all([
        users(o, after, visible),
        o.groupId === undefined ? groups(o, after, visible) : Promise.resolve([]),
      ]);
      const merged = [...u, ...g].sort((a, b) =>
        a.address < b.address ? -1 : a.address > b.address ? 1 : 0,
      );
      const items = merged.slice(0, o.limit);
      const last = items[items.length - 1];
      return { items, nextCursor: merged.length > o.limit && last ? cursor.encode(last.address) : null };
    },

    async departments(domain) {
      const rows = await db
        .selectFrom('groups')
        .innerJoin('domains', 'domains.id', 'groups.domain_id')
        .select([
          'groups.id',
          'groups.name',
          'groups.parent_id',
          'groups.sort_order',
          'groups.source',
          'groups.address',
        ])
        .where('domains.name', '=', domain)
        .where('groups.kind', '=', 'department')
        .orderBy('groups.sort_order')
        .orderBy('groups.name')
        .execute();
      const counts = await db
        .selectFrom('group_members')
        .innerJoin('users', 'users.id', 'group_members.user_id')
        .innerJoin('groups', 'groups.id', 'group_members.group_id')
        .innerJoin('domains', 'domains.id', 'groups.domain_id')
        .select(['group_members.group_id', db.fn.countAll<number>().as('n')])
        .where('domains.name', '=', domain)
        .where('groups.kind', '=', 'department')
        .where('users.enabled', '=', 1)
        .groupBy('group_members.group_id')
        .execute();
      const n = new Map(counts.map((c) => [c.group_id, Number(c.n)]));
      const nodes = new Map(
        rows.map((r) => [
          r.id,
          {
            id: r.id,
            domain,
            name: r.name,
            kind: 'department' as const,
            parentId: r.parent_id,
            address: r.address,
            sortOrder: Number(r.sort_order),
            memberCount: n.get(r.id) ?? 0,
            source: r.source,
            children: [] as DepartmentNode[],
          },
        ]),
      );
      const roots: DepartmentNode[] = [];
      for (const node of nodes.values()) {
        const parent = node.parentId ? nodes.get(node.parentId) : undefined;
        (parent ? parent.children : roots).push(node);
      }
      return roots;
    },
  };
}
