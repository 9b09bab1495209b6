import type { Kysely } from 'kysely';
import { AppError, newId } from '../shared/index.js';
import { appendEvents, type DB, type GroupKind, type GroupsTable } from '../store/index.js';
import type { Domains } from './domains.js';
import { addressesOf, groupEvent, membershipEvent } from './events.js';
import type { CreateGroupInput, Group, GroupTreeNode, UpdateGroupInput } from './types.js';
import { validAddress } from './validate.js';

type GroupRow = GroupsTable & { domain: string };

/** The fields of `set` whose value differs from `row`'s, by their API names. */
function changedFields(row: GroupsTable, set: Partial<GroupsTable>): string[] {
  const names: Array<[keyof GroupsTable, string]> = [
    ['name', 'name'],
    ['parent_id', 'parentId'],
    ['address', 'address'],
    ['sort_order', 'sortOrder'],
  ];
  return names.filter(([k]) => set[k] !== undefined && set[k] !== row[k]).map(([, n]) => n);
}

/**
 * Departments and groups as one tree per domain, with membership — the shape
 * OA systems sync (modelled on Exmail's department API: id, name, parent, order).
 */
export function createGroups(db: Kysely<DB>, domains: Domains, addressFree: (a: string) => Promise<void>) {
  const base = () =>
    db
      .selectFrom('groups')
      .innerJoin('domains', 'domains.id', 'groups.domain_id')
      .selectAll('groups')
      .select('domains.name as domain');

  async function counts(ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await db
      .selectFrom('group_members')
      .select(['group_id', db.fn.countAll<number>().as('n')])
      .where('group_id', 'in', ids)
      .groupBy('group_id')
      .execute();
    return new Map(rows.map((r) => [r.group_id, Number(r.n)]));
  }

  const toGroup = (r: GroupRow, n: Map<string, number>): Group => ({
    id: r.id,
    domain: r.domain,
    name: r.name,
    kind: r.kind,
    parentId: r.parent_id,
    address: r.address,
    sortOrder: Number(r.sort_order),
    memberCount: n.get(r.id) ?? 0,
    source: r.source,
  });

  async function getRow(id: string): Promise<GroupRow> {
    const row = await base().where('groups.id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('GROUP_NOT_FOUND', `group ${id} does not exist`);
    return row;
  }

  async function get(id: string): Promise<Group> {
    const row = await getRow(id);
    return toGroup(row, await counts([id]));
  }

  async function checkParent(
    domainId: string,
    parentId: string | null | undefined,
    selfId?: string,
  ): Promise<void> {
    if (!parentId) return;
    let cur: string | null = parentId;
    // Walk up: the parent must be in the same domain and the walk must not reach the group itself.
    for (let depth = 0; cur; depth++) {
      if (cur === selfId || depth > 100)
        throw new AppError('GROUP_CYCLE', 'parentId would make the group its own ancestor', {
          field: 'parentId',
        });
      const row: { domain_id: string; parent_id: string | null } | undefined = await db
        .selectFrom('groups')
        .select(['domain_id', 'parent_id'])
        .where('id', '=', cur)
        .executeTakeFirst();
      if (!row || row.domain_id !== domainId)
        throw new AppError('GROUP_NOT_FOUND', `parent group ${parentId} does not exist in this domain`, {
          field: 'parentId',
        });
      cur = row.parent_id;
    }
  }

  async function checkAddress(
    address: string | null | undefined,
    domainName: string,
  ): Promise<string | null> {
    if (!address) return null;
    const a = validAddress(address);
    if (a.domain !== domainName)
      throw new AppError('VALIDATION_FAILED', `address: must be in domain ${domainName}`, {
        field: 'address',
      });
    await addressFree(a.address);
    return a.address;
  }

  return {
    getRow,
    get,
    async create(input: CreateGroupInput): Promise<Group> {
      const domain = await domains.get(input.domain);
      const name = input.name.trim();
      if (!name) throw new AppError('VALIDATION_FAILED', 'name: must not be empty', { field: 'name' });
      await checkParent(domain.id, input.parentId);
      const address = await checkAddress(input.address, domain.name);
      const id = newId();
      const kind: GroupKind = input.kind ?? 'department';
      const parentId = input.parentId ?? null;
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('groups')
          .values({
            id,
            domain_id: domain.id,
            name,
            kind,
            parent_id: parentId,
            address,
            sort_order: input.sortOrder ?? 0,
            created_at: Date.now(),
          })
          .execute();
        const facts = { id, domain: domain.name, name, kind, source: null };
        await appendEvents(trx, [groupEvent('group.created', facts, { address, parentId })]);
      });
      return get(id);
    },
    async tree(domainName: string): Promise<GroupTreeNode[]> {
      const domain = await domains.get(domainName);
      const rows = await base()
        .where('groups.domain_id', '=', domain.id)
        .orderBy('groups.sort_order')
        .orderBy('groups.name')
        .execute();
      const n = await counts(rows.map((r) => r.id));
      const nodes = new Map(rows.map((r) => [r.id, { ...toGroup(r, n), children: [] as GroupTreeNode[] }]));
      const roots: GroupTreeNode[] = [];
      for (const node of nodes.values()) {
        const parent = node.parentId ? nodes.get(node.parentId) : undefined;
        (parent ? parent.children : roots).push(node);
      }
      return roots;
    },
    async update(id: string, patch: UpdateGroupInput): Promise<Group> {
      const row = await getRow(id);
      const set: Partial<GroupsTable> = {};
      if (patch.name !== undefined) {
        if (!patch.name.trim())
          throw new AppError('VALIDATION_FAILED', 'name: must not be empty', { field: 'name' });
        set.name = patch.name.trim();
      }
      if (patch.parentId !== undefined) {
        await checkParent(row.domain_id, patch.parentId, id);
        set.parent_id = patch.parentId;
      }
      if (patch.address !== undefined && patch.address !== row.address)
        set.address = await checkAddress(patch.address, row.domain);
      if (patch.sortOrder !== undefined) set.sort_order = patch.sortOrder;
      const changes = changedFields(row, set);
      if (Object.keys(set).length)
        await db.transaction().execute(async (trx) => {
          await trx.updateTable('groups').set(set).where('id', '=', id).execute();
          const facts = { ...row, name: set.name ?? row.name };
          if (changes.length > 0) await appendEvents(trx, [groupEvent('group.updated', facts, { changes })]);
        });
      return get(id);
    },
    async remove(id: string): Promise<void> {
      const row = await getRow(id);
      const child = await db.selectFrom('groups').select('id').where('parent_id', '=', id).executeTakeFirst();
      if (child)
        throw new AppError('GROUP_NOT_EMPTY', 'group still has subgroups; move or delete them first');
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('group_members').where('group_id', '=', id).execute();
        await trx.deleteFrom('groups').where('id', '=', id).execute();
        await appendEvents(trx, [groupEvent('group.deleted', row)]);
      });
    },
    /** Ids of the group's members (users). */
    async memberIds(id: string): Promise<string[]> {
      const rows = await db
        .selectFrom('group_members')
        .select('user_id')
        .where('group_id', '=', id)
        .execute();
      return rows.map((r) => r.user_id);
    },
    async addMembers(id: string, userIds: string[]): Promise<void> {
      if (userIds.length === 0) return;
      const existing = new Set(await this.memberIds(id));
      const fresh = [...new Set(userIds)].filter((u) => !existing.has(u));
      if (fresh.length === 0) return;
      const group = await getRow(id);
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('group_members')
          .values(fresh.map((user_id) => ({ group_id: id, user_id })))
          .execute();
        const added = [...(await addressesOf(trx, fresh)).values()].sort();
        await appendEvents(trx, membershipEvent(group, added, []));
      });
    },
    async removeMember(id: string, userId: string): Promise<void> {
      const group = await getRow(id);
      await db.transaction().execute(async (trx) => {
        const done = await trx
          .deleteFrom('group_members')
          .where('group_id', '=', id)
          .where('user_id', '=', userId)
          .executeTakeFirst();
        if (Number(done.numDeletedRows) === 0) return;
        const removed = [...(await addressesOf(trx, [userId])).values()];
        await appendEvents(trx, membershipEvent(group, [], removed));
      });
    },
  };
}

export type Groups = ReturnType<typeof createGroups>;
