/**
 * The `user.*` and `group.*` events the directory writes, in the transaction
 * of each change (through the store's `appendEvents`). Their schemas are in
 * `events/catalogue.ts`. Shared by the REST/CLI paths (`users.ts`,
 * `groups.ts`) and the LDAP sync target (`sync-target.ts`).
 */
import type { Transaction } from 'kysely';
import { type DB, domainOf, type GroupKind, type NewEvent } from '../store/index.js';

/** What a user event says about its user. */
export interface UserFacts {
  address: string;
  source: string | null;
}

export const userEvent = (
  type: 'user.created' | 'user.updated' | 'user.disabled' | 'user.enabled' | 'user.deleted',
  user: UserFacts,
  data: Record<string, unknown> = {},
): NewEvent => ({
  type,
  domain: domainOf(user.address),
  address: user.address,
  data: { address: user.address, source: user.source, ...data },
});

/**
 * The events of one update: `user.updated` with the fields that changed (if
 * any), and `user.disabled` / `user.enabled` when `enabled` flipped.
 */
export function userUpdateEvents(
  user: UserFacts,
  changes: readonly string[],
  enabled?: { before: boolean; after: boolean },
  previousAddress?: string,
): NewEvent[] {
  const out: NewEvent[] = [];
  if (changes.length > 0)
    out.push(
      userEvent('user.updated', user, {
        changes: [...changes],
        ...(previousAddress ? { previousAddress } : {}),
      }),
    );
  if (enabled && enabled.before !== enabled.after)
    out.push(userEvent(enabled.after ? 'user.enabled' : 'user.disabled', user));
  return out;
}

/** What a group event says about its group. */
export interface GroupFacts {
  id: string;
  domain: string;
  name: string;
  kind: GroupKind;
  source: string | null;
}

export const groupEvent = (
  type: 'group.created' | 'group.updated' | 'group.deleted',
  group: GroupFacts,
  data: Record<string, unknown> = {},
): NewEvent => ({
  type,
  domain: group.domain,
  address: null,
  data: { id: group.id, name: group.name, kind: group.kind, source: group.source, ...data },
});

/** `group.updated` for a membership change (addresses, not internal ids). */
export function membershipEvent(group: GroupFacts, added: string[], removed: string[]): NewEvent[] {
  if (added.length === 0 && removed.length === 0) return [];
  return [
    groupEvent('group.updated', group, {
      changes: ['members'],
      ...(added.length > 0 ? { membersAdded: added } : {}),
      ...(removed.length > 0 ? { membersRemoved: removed } : {}),
    }),
  ];
}

/** The addresses of users by id, in the transaction (events name members by address). */
export async function addressesOf(
  trx: Transaction<DB>,
  userIds: readonly string[],
): Promise<Map<string, string>> {
  if (userIds.length === 0) return new Map();
  const out = new Map<string, string>();
  const ids = [...new Set(userIds)];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await trx
      .selectFrom('users')
      .select(['id', 'address'])
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.id, r.address);
  }
  return out;
}

/** The fields an update changes: scalar ones when their value differs, lists when given. */
export function userPatchChanges(
  before: { display_name: string; quota_bytes: number; role: string },
  set: { display_name?: string; quota_bytes?: number; role?: string; password_hash?: string | null },
  lists: { aliases?: unknown; adminDomains?: unknown; departments?: unknown },
): string[] {
  const changes: string[] = [];
  if (set.display_name !== undefined && set.display_name !== before.display_name) changes.push('displayName');
  if (set.quota_bytes !== undefined && Number(set.quota_bytes) !== Number(before.quota_bytes))
    changes.push('quotaBytes');
  if (set.role !== undefined && set.role !== before.role) changes.push('role');
  if (set.password_hash !== undefined) changes.push('password');
  for (const name of ['aliases', 'adminDomains', 'departments'] as const)
    if (lists[name] !== undefined) changes.push(name);
  return changes;
}
