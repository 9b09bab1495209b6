/**
 * The events of one directory sync batch, written by the batch's own
 * transaction: `user.*` as the plan announced them (`SyncBatch.events`),
 * `group.*` from the batch's group changes and memberships, and
 * `sync.completed` when a run's end is recorded.
 */
import type { Transaction } from 'kysely';
import type { DB, GroupKind, NewEvent } from '../store/index.js';
import { addressesOf, type GroupFacts, groupEvent, membershipEvent } from './events.js';
import type { Membership, SyncBatch, SyncReport, SyncRun } from './sync-types.js';

/** The groups a batch updates or deletes, as they were before it (read first in its transaction). */
export type GroupsBefore = Map<string, GroupFacts>;

async function groupFacts(trx: Transaction<DB>, ids: string[]): Promise<GroupsBefore> {
  const out: GroupsBefore = new Map();
  for (let i = 0; i < ids.length; i += 400) {
    const rows = await trx
      .selectFrom('groups')
      .innerJoin('domains', 'domains.id', 'groups.domain_id')
      .select(['groups.id', 'groups.name', 'groups.kind', 'groups.source', 'domains.name as domain'])
      .where('groups.id', 'in', ids.slice(i, i + 400))
      .execute();
    for (const r of rows) out.set(r.id, { ...r, kind: r.kind as GroupKind });
  }
  return out;
}

/** Reads what the batch's group events need before its writes change or remove it. */
export function groupsBefore(trx: Transaction<DB>, batch: SyncBatch): Promise<GroupsBefore> {
  const ids = new Set([
    ...(batch.updateGroups ?? []).map((g) => g.id),
    ...(batch.deleteGroups ?? []),
    ...(batch.addMembers ?? []).map((m) => m.groupId),
    ...(batch.removeMembers ?? []).map((m) => m.groupId),
  ]);
  return groupFacts(trx, [...ids]);
}

/** Member addresses added and removed per group. */
async function membershipEvents(
  trx: Transaction<DB>,
  groups: GroupsBefore,
  add: Membership[],
  remove: Membership[],
): Promise<NewEvent[]> {
  if (add.length === 0 && remove.length === 0) return [];
  const addresses = await addressesOf(
    trx,
    [...add, ...remove].map((m) => m.userId),
  );
  const per = new Map<string, { added: string[]; removed: string[] }>();
  const entry = (id: string) => per.get(id) ?? per.set(id, { added: [], removed: [] }).get(id);
  for (const m of add) entry(m.groupId)?.added.push(addresses.get(m.userId) ?? m.userId);
  for (const m of remove) entry(m.groupId)?.removed.push(addresses.get(m.userId) ?? m.userId);
  return [...per].flatMap(([id, { added, removed }]) => {
    const group = groups.get(id);
    return group ? membershipEvent(group, added.sort(), removed.sort()) : [];
  });
}

/** Every event of a batch, after its writes and before its commit. */
export async function syncBatchEvents(
  trx: Transaction<DB>,
  source: string,
  batch: SyncBatch,
  before: GroupsBefore,
): Promise<NewEvent[]> {
  const out: NewEvent[] = [];
  for (const g of batch.createGroups ?? []) {
    const facts = { id: g.id, domain: g.domain, name: g.name, kind: g.kind, source };
    out.push(groupEvent('group.created', facts, { address: g.address, parentId: g.parentId }));
  }
  for (const g of batch.updateGroups ?? []) {
    const was = before.get(g.id);
    const changes = (['name', 'parentId', 'address'] as const).filter((k) => g[k] !== undefined);
    if (was && changes.length > 0)
      out.push(groupEvent('group.updated', { ...was, name: g.name ?? was.name }, { changes }));
  }
  // Created in this batch: their facts come from the batch, not from a read before it.
  const groups = new Map(before);
  for (const g of batch.createGroups ?? [])
    groups.set(g.id, { id: g.id, domain: g.domain, name: g.name, kind: g.kind, source });
  out.push(...(await membershipEvents(trx, groups, batch.addMembers ?? [], batch.removeMembers ?? [])));
  for (const id of batch.deleteGroups ?? []) {
    const was = before.get(id);
    if (was) out.push(groupEvent('group.deleted', was));
  }
  return [...(batch.events ?? []), ...out];
}

const COUNTED: Array<keyof SyncReport['counts']> = [
  'create',
  'update',
  'disable',
  'enable',
  'groupsCreated',
  'groupsUpdated',
  'groupsDeleted',
  'membershipsAdded',
  'membershipsRemoved',
];

/** `sync.completed` for a run that ended (not for a dry run: it changed nothing). */
export function syncCompletedEvent(
  run: Pick<SyncRun, 'id' | 'source' | 'mode'>,
  status: string,
  report: SyncReport | null,
): NewEvent {
  const counts: Record<string, number> = {};
  for (const k of COUNTED) counts[k] = report?.counts[k] ?? 0;
  return {
    type: 'sync.completed',
    domain: null,
    address: null,
    data: { source: run.source, runId: run.id, mode: run.mode, status, counts },
  };
}
