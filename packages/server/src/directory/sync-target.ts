import type { Kysely, Transaction } from 'kysely';
import { appendEvents, type DB } from '../store/index.js';
import { nameKeysOf } from './name-keys.js';
import { groupsBefore, syncBatchEvents } from './sync-events.js';
import { createSyncRuns } from './sync-runs.js';
import type {
  AddressOwner,
  DirectorySyncTarget,
  Membership,
  SourceGroup,
  SourceUser,
  SyncBatch,
  SyncGroupCreate,
  SyncUserCreate,
  SyncUserUpdate,
} from './sync-types.js';

export interface SyncTargetDeps {
  db: Kysely<DB>;
  /** Quota of users the sync creates; 0 = unlimited. */
  defaultQuotaBytes: number;
  /** Creates a new user's default mailboxes inside the creating transaction. */
  createMailboxes(trx: Transaction<DB>, userId: string): Promise<void>;
  /** Called as a batch starts and once it is settled: what addresses resolve to may change (the recipient cache). */
  onChange?: () => void;
}

/** Rows per multi-row INSERT and values per IN list: well under both engines' parameter limits. */
const CHUNK = 400;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The database side of directory sync: bulk reads of a source's users and
 * groups and batched writes, one transaction per batch, so a sync of
 * thousands of users costs a few dozen commits rather than one per user.
 */
export function createDirectorySyncTarget(deps: SyncTargetDeps): DirectorySyncTarget {
  const { db } = deps;

  async function domainIds(executor: Kysely<DB> | Transaction<DB>): Promise<Map<string, string>> {
    const rows = await executor.selectFrom('domains').select(['id', 'name']).execute();
    return new Map(rows.map((r) => [r.name, r.id]));
  }

  function domainId(domains: Map<string, string>, name: string): string {
    const id = domains.get(name);
    // The plan only offers local domains; a miss means a domain was deleted mid-run.
    if (!id) throw new Error(`domain ${name} is not local`);
    return id;
  }

  async function insertAliases(
    trx: Transaction<DB>,
    domains: Map<string, string>,
    rows: { userId: string; address: string }[],
  ): Promise<void> {
    const now = Date.now();
    for (const part of chunks(rows)) {
      await trx
        .insertInto('aliases')
        .values(
          part.map((a) => ({
            address: a.address,
            domain_id: domainId(domains, a.address.slice(a.address.lastIndexOf('@') + 1)),
            user_id: a.userId,
            created_at: now,
          })),
        )
        .execute();
    }
  }

  async function createGroups(trx: Transaction<DB>, source: string, list: SyncGroupCreate[]) {
    const domains = await domainIds(trx);
    const now = Date.now();
    // One at a time, in the given order, so a parent exists before its children reference it.
    for (const g of list) {
      await trx
        .insertInto('groups')
        .values({
          id: g.id,
          domain_id: domainId(domains, g.domain),
          name: g.name,
          kind: g.kind,
          parent_id: g.parentId,
          address: g.address,
          sort_order: 0,
          created_at: now,
          source,
          external_id: g.externalId,
        })
        .execute();
    }
  }

  async function updateUsers(trx: Transaction<DB>, source: string, list: SyncUserUpdate[]) {
    const domains = await domainIds(trx);
    const now = Date.now();
    const aliasRows: { userId: string; address: string }[] = [];
    for (const u of list) {
      const set: Record<string, unknown> = { updated_at: now };
      if (u.address !== undefined) set.address = u.address;
      if (u.domain !== undefined) set.domain_id = domainId(domains, u.domain);
      if (u.displayName !== undefined) {
        set.display_name = u.displayName;
        set.name_keys = nameKeysOf(u.displayName);
      }
      if (u.externalId !== undefined) set.external_id = u.externalId;
      if (u.dn !== undefined) set.source_dn = u.dn;
      if (u.enabled !== undefined) set.enabled = u.enabled ? 1 : 0;
      if (u.syncDisabled !== undefined) set.source_disabled = u.syncDisabled ? 1 : 0;
      if (u.missingSince !== undefined) set.source_missing_since = u.missingSince;
      // `source` in the WHERE: a sync can only ever touch its own users.
      await trx.updateTable('users').set(set).where('id', '=', u.id).where('source', '=', source).execute();
      if (u.aliases !== undefined) {
        await trx.deleteFrom('aliases').where('user_id', '=', u.id).execute();
        for (const address of u.aliases) aliasRows.push({ userId: u.id, address });
      }
    }
    await insertAliases(trx, domains, aliasRows);
  }

  async function createUsers(trx: Transaction<DB>, source: string, list: SyncUserCreate[]) {
    const domains = await domainIds(trx);
    const now = Date.now();
    for (const part of chunks(list)) {
      await trx
        .insertInto('users')
        .values(
          part.map((u) => ({
            id: u.id,
            address: u.address,
            domain_id: domainId(domains, u.domain),
            display_name: u.displayName,
            name_keys: nameKeysOf(u.displayName),
            // Password-less: they sign in through the directory.
            password_hash: null,
            quota_bytes: deps.defaultQuotaBytes,
            used_bytes: 0,
            enabled: 1,
            role: 'user' as const,
            created_at: now,
            updated_at: now,
            password_changed_at: now,
            source,
            external_id: u.externalId,
            source_dn: u.dn,
            source_missing_since: null,
            source_disabled: 0,
          })),
        )
        .execute();
    }
    for (const u of list) await deps.createMailboxes(trx, u.id);
    await insertAliases(
      trx,
      domains,
      list.flatMap((u) => u.aliases.map((address) => ({ userId: u.id, address }))),
    );
  }

  async function memberships(trx: Transaction<DB>, add: Membership[], remove: Membership[]) {
    for (const part of chunks(add)) {
      await trx
        .insertInto('group_members')
        .values(part.map((m) => ({ group_id: m.groupId, user_id: m.userId })))
        .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
        .execute();
    }
    for (const m of remove) {
      await trx
        .deleteFrom('group_members')
        .where('group_id', '=', m.groupId)
        .where('user_id', '=', m.userId)
        .execute();
    }
  }

  async function deleteGroups(trx: Transaction<DB>, source: string, ids: string[]) {
    for (const id of ids) {
      // A local subgroup an admin put under a synced department survives at the top level.
      await trx.updateTable('groups').set({ parent_id: null }).where('parent_id', '=', id).execute();
      await trx.deleteFrom('group_members').where('group_id', '=', id).execute();
      await trx.deleteFrom('groups').where('id', '=', id).where('source', '=', source).execute();
    }
  }

  async function applyBatch(source: string, batch: SyncBatch): Promise<void> {
    await db.transaction().execute(async (trx) => {
      const before = await groupsBefore(trx, batch);
      if (batch.createGroups?.length) await createGroups(trx, source, batch.createGroups);
      for (const g of batch.updateGroups ?? []) {
        const set: Record<string, unknown> = {};
        if (g.name !== undefined) set.name = g.name;
        if (g.parentId !== undefined) set.parent_id = g.parentId;
        if (g.address !== undefined) set.address = g.address;
        if (Object.keys(set).length)
          await trx
            .updateTable('groups')
            .set(set)
            .where('id', '=', g.id)
            .where('source', '=', source)
            .execute();
      }
      for (const r of batch.releaseAliases ?? []) {
        let q = trx.deleteFrom('aliases').where('user_id', '=', r.userId);
        if (r.keep.length) q = q.where('address', 'not in', r.keep);
        await q.execute();
      }
      if (batch.updateUsers?.length) await updateUsers(trx, source, batch.updateUsers);
      if (batch.createUsers?.length) await createUsers(trx, source, batch.createUsers);
      await memberships(trx, batch.addMembers ?? [], batch.removeMembers ?? []);
      if (batch.deleteGroups?.length) await deleteGroups(trx, source, batch.deleteGroups);
      await appendEvents(trx, await syncBatchEvents(trx, source, batch, before));
    });
  }

  return {
    localDomains: () => domainIds(db),

    async sourceUsers(source): Promise<SourceUser[]> {
      const rows = await db
        .selectFrom('users')
        .innerJoin('domains', 'domains.id', 'users.domain_id')
        .select([
          'users.id',
          'users.address',
          'domains.name as domain',
          'users.external_id',
          'users.source_dn',
          'users.display_name',
          'users.enabled',
          'users.source_disabled',
          'users.source_missing_since',
        ])
        .where('users.source', '=', source)
        .execute();
      const aliases = await db
        .selectFrom('aliases')
        .innerJoin('users', 'users.id', 'aliases.user_id')
        .select(['aliases.user_id', 'aliases.address'])
        .where('users.source', '=', source)
        .orderBy('aliases.address')
        .execute();
      const byUser = new Map<string, string[]>();
      for (const a of aliases) byUser.set(a.user_id, [...(byUser.get(a.user_id) ?? []), a.address]);
      return rows.map((r) => ({
        id: r.id,
        address: r.address,
        domain: r.domain,
        externalId: r.external_id ?? '',
        dn: r.source_dn,
        displayName: r.display_name,
        enabled: Boolean(r.enabled),
        syncDisabled: Boolean(r.source_disabled),
        missingSince: r.source_missing_since === null ? null : Number(r.source_missing_since),
        aliases: byUser.get(r.id) ?? [],
      }));
    },

    async sourceGroups(source): Promise<SourceGroup[]> {
      const rows = await db
        .selectFrom('groups')
        .select(['id', 'external_id', 'kind', 'name', 'parent_id', 'address'])
        .where('source', '=', source)
        .execute();
      const members = await db
        .selectFrom('group_members')
        .innerJoin('groups', 'groups.id', 'group_members.group_id')
        .innerJoin('users', 'users.id', 'group_members.user_id')
        .select(['group_members.group_id', 'group_members.user_id'])
        .where('groups.source', '=', source)
        .where('users.source', '=', source)
        .execute();
      const byGroup = new Map<string, string[]>();
      for (const m of members) byGroup.set(m.group_id, [...(byGroup.get(m.group_id) ?? []), m.user_id]);
      return rows.map((r) => ({
        id: r.id,
        externalId: r.external_id ?? '',
        kind: r.kind,
        name: r.name,
        parentId: r.parent_id,
        address: r.address,
        memberIds: byGroup.get(r.id) ?? [],
      }));
    },

    async addressOwners(addresses) {
      const out = new Map<string, AddressOwner>();
      for (const part of chunks([...new Set(addresses)])) {
        const [users, aliases, groups] = await Promise.all([
          db.selectFrom('users').select(['id', 'address', 'source']).where('address', 'in', part).execute(),
          db
            .selectFrom('aliases')
            .innerJoin('users', 'users.id', 'aliases.user_id')
            .select(['aliases.address', 'users.id', 'users.source'])
            .where('aliases.address', 'in', part)
            .execute(),
          db.selectFrom('groups').select(['address', 'source']).where('address', 'in', part).execute(),
        ]);
        for (const u of users) out.set(u.address, { kind: 'user', userId: u.id, source: u.source });
        for (const a of aliases) out.set(a.address, { kind: 'alias', userId: a.id, source: a.source });
        for (const g of groups)
          if (g.address) out.set(g.address, { kind: 'group', userId: null, source: g.source });
      }
      return out;
    },

    async apply(source, batch: SyncBatch) {
      deps.onChange?.();
      try {
        await applyBatch(source, batch);
      } finally {
        deps.onChange?.();
      }
    },

    async sourceState(source) {
      const row = await db
        .selectFrom('directory_sources')
        .selectAll()
        .where('name', '=', source)
        .executeTakeFirst();
      return {
        changeMark: row?.change_mark ?? null,
        lastFullAt: row?.last_full_at == null ? null : Number(row.last_full_at),
        lastSyncAt: row?.last_sync_at == null ? null : Number(row.last_sync_at),
      };
    },

    async saveSourceState(source, state) {
      const set: Record<string, unknown> = {};
      if (state.changeMark !== undefined) set.change_mark = state.changeMark;
      if (state.lastFullAt !== undefined) set.last_full_at = state.lastFullAt;
      if (state.lastSyncAt !== undefined) set.last_sync_at = state.lastSyncAt;
      if (Object.keys(set).length === 0) return;
      await db
        .insertInto('directory_sources')
        .values({
          name: source,
          change_mark: state.changeMark ?? null,
          last_full_at: state.lastFullAt ?? null,
          last_sync_at: state.lastSyncAt ?? null,
        })
        .onConflict((oc) => oc.column('name').doUpdateSet(set))
        .execute();
    },

    runs: createSyncRuns(db),
  };
}
