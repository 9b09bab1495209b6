import type { Kysely } from 'kysely';
import type { DB } from '../../store/index.js';
import type { GroupPolicyOf } from './check-group-policy.js';
import { type GroupPolicy, OPEN_POLICY } from './policy-schema.js';

/** A group a user belongs to, directly or through one of its subgroups. */
export interface GroupRef {
  id: string;
  name: string;
  /** Its distribution address, if any. */
  address: string | null;
}

/** Group mail policies (migration 0011-rules) and the group lookups RCPT and the rules need. */
export interface GroupPolicies {
  /** The group's policy; a group without one has {@link OPEN_POLICY}. */
  get(groupId: string): Promise<GroupPolicy>;
  /** Replaces the group's policy; the open policy removes the row. */
  replace(groupId: string, policy: GroupPolicy): Promise<GroupPolicy>;
  /**
   * The groups the user with `address` (their own address or an alias)
   * belongs to: those they are a member of and every ancestor of those
   * (a member of Finance/Payroll is in Finance). Empty for an unknown address.
   */
  groupsOf(address: string): Promise<GroupRef[]>;
  /** The policies of {@link groupsOf}, only of groups that have one. */
  policiesOf(address: string): Promise<GroupPolicyOf[]>;
}

/** How many levels up the tree ancestors are followed (the directory refuses cycles; this bounds a bad row). */
const MAX_LEVELS = 32;

/** A stored policy with defaults filled in, so a row older than a new field still reads. */
function parsePolicy(json: string): GroupPolicy {
  try {
    return { ...OPEN_POLICY, ...(JSON.parse(json) as Partial<GroupPolicy>) };
  } catch {
    return OPEN_POLICY;
  }
}

const isOpen = (p: GroupPolicy) => JSON.stringify({ ...OPEN_POLICY, ...p }) === JSON.stringify(OPEN_POLICY);

export function createGroupPolicies(db: Kysely<DB>): GroupPolicies {
  async function userIdOf(address: string): Promise<string | null> {
    const a = address.toLowerCase();
    const user = await db.selectFrom('users').select('id').where('address', '=', a).executeTakeFirst();
    if (user) return user.id;
    const alias = await db
      .selectFrom('aliases')
      .select('user_id')
      .where('address', '=', a)
      .executeTakeFirst();
    return alias?.user_id ?? null;
  }

  async function groupsOf(address: string): Promise<GroupRef[]> {
    const userId = await userIdOf(address);
    if (!userId) return [];
    const found = new Map<string, GroupRef>();
    let level = await db
      .selectFrom('group_members')
      .innerJoin('groups', 'groups.id', 'group_members.group_id')
      .select(['groups.id', 'groups.name', 'groups.address', 'groups.parent_id'])
      .where('group_members.user_id', '=', userId)
      .execute();
    for (let depth = 0; level.length > 0 && depth < MAX_LEVELS; depth++) {
      const parents = new Set<string>();
      for (const g of level) {
        if (found.has(g.id)) continue;
        found.set(g.id, { id: g.id, name: g.name, address: g.address });
        if (g.parent_id && !found.has(g.parent_id)) parents.add(g.parent_id);
      }
      if (parents.size === 0) break;
      level = await db
        .selectFrom('groups')
        .select(['id', 'name', 'address', 'parent_id'])
        .where('id', 'in', [...parents])
        .execute();
    }
    return [...found.values()];
  }

  return {
    async get(groupId) {
      const row = await db
        .selectFrom('group_policies')
        .select('policy')
        .where('group_id', '=', groupId)
        .executeTakeFirst();
      return row ? parsePolicy(row.policy) : OPEN_POLICY;
    },

    async replace(groupId, policy) {
      const full = { ...OPEN_POLICY, ...policy };
      if (isOpen(full)) {
        await db.deleteFrom('group_policies').where('group_id', '=', groupId).execute();
        return full;
      }
      const row = { group_id: groupId, policy: JSON.stringify(full), updated_at: Date.now() };
      await db
        .insertInto('group_policies')
        .values(row)
        .onConflict((oc) =>
          oc.column('group_id').doUpdateSet({ policy: row.policy, updated_at: row.updated_at }),
        )
        .execute();
      return full;
    },

    groupsOf,

    async policiesOf(address) {
      const groups = await groupsOf(address);
      if (groups.length === 0) return [];
      const rows = await db
        .selectFrom('group_policies')
        .select(['group_id', 'policy'])
        .where(
          'group_id',
          'in',
          groups.map((g) => g.id),
        )
        .execute();
      const byId = new Map(groups.map((g) => [g.id, g]));
      return rows
        .map((r) => ({
          groupId: r.group_id,
          groupName: byId.get(r.group_id)?.name ?? r.group_id,
          policy: parsePolicy(r.policy),
        }))
        .sort((a, b) => a.groupName.localeCompare(b.groupName));
    },
  };
}
