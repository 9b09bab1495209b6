import type {
  Membership,
  SyncGroupCreate,
  SyncGroupUpdate,
  SyncReport,
  SyncUserCreate,
  SyncUserUpdate,
} from '../directory/index.js';
import { planGroups } from './plan-groups.js';
import type { PlanContext, UserEventType } from './plan-types.js';
import { planUsers } from './plan-users.js';
import type { DirectoryContents } from './read.js';

/** A change the sync will announce once it is committed. */
export interface PlannedEvent {
  type: UserEventType;
  userId: string;
  address: string;
  changes?: string[];
}

/** Everything one run would change, in apply order, and its report. */
export interface SyncPlan {
  createGroups: SyncGroupCreate[];
  updateGroups: SyncGroupUpdate[];
  releaseAliases: { userId: string; keep: string[] }[];
  updateUsers: SyncUserUpdate[];
  createUsers: SyncUserCreate[];
  addMembers: Membership[];
  removeMembers: Membership[];
  deleteGroups: string[];
  events: PlannedEvent[];
  report: SyncReport;
  /** The safety stop holds the run: apply nothing. */
  stop: boolean;
  /** Number of changes to apply (for progress). */
  size: number;
}

/**
 * Decides what a run changes — a pure function of the directory's contents
 * and jdmail's current state, so a dry run and a real run decide the same.
 */
export function makePlan(ctx: PlanContext, contents: DirectoryContents): SyncPlan {
  const { report } = ctx;
  report.report.counts.directoryUsers = contents.users.length;
  report.report.counts.directoryGroups = contents.groups?.length ?? 0;
  for (const u of contents.unusable) report.skipped(u);

  const users = planUsers(ctx, contents.users);
  const groups = planGroups(ctx, users, contents.groups);

  const byId = new Map(ctx.current.map((u) => [u.id, u]));
  const newAddress = new Map(users.updates.filter((u) => u.address).map((u) => [u.id, u.address as string]));
  for (const id of groups.departmentChanged)
    users.changes.set(id, [...(users.changes.get(id) ?? []), 'department']);
  const events: PlannedEvent[] = users.creates.map((u) => ({
    type: 'user.created' as const,
    userId: u.id,
    address: u.address,
  }));
  for (const [id, changes] of users.changes) {
    const address = newAddress.get(id) ?? byId.get(id)?.address ?? '';
    report.user('update', { address, dn: users.kept.get(id)?.dn ?? null, changes });
    events.push({ type: 'user.updated', userId: id, address, changes });
  }
  for (const [id, type] of users.events) {
    if (type === 'user.created') continue;
    events.push({ type, userId: id, address: newAddress.get(id) ?? byId.get(id)?.address ?? '' });
  }

  const percent = users.syncedUsers ? (users.disableCount / users.syncedUsers) * 100 : 0;
  const stop = users.disableCount > 0 && percent > ctx.source.maxDisablePercent && !ctx.force;
  if (stop) {
    report.report.safetyStop = {
      wouldDisable: users.disableCount,
      syncedUsers: users.syncedUsers,
      percent: Math.round(percent * 10) / 10,
      maxPercent: ctx.source.maxDisablePercent,
      message:
        `This run would disable ${users.disableCount} of ${users.syncedUsers} synced users ` +
        `(${percent.toFixed(1)}%, more than the ${ctx.source.maxDisablePercent}% allowed), so it changed nothing. ` +
        'Check the filter and base DNs; if the directory is right, run again with force.',
    };
  }
  const plan: SyncPlan = {
    createGroups: groups.createGroups,
    updateGroups: groups.updateGroups,
    releaseAliases: users.releases,
    updateUsers: users.updates,
    createUsers: users.creates,
    addMembers: groups.addMembers,
    removeMembers: groups.removeMembers,
    deleteGroups: groups.deleteGroups,
    events,
    report: report.report,
    stop,
    size: 0,
  };
  plan.size =
    plan.createGroups.length +
    plan.updateGroups.length +
    plan.releaseAliases.length +
    plan.updateUsers.length +
    plan.createUsers.length +
    plan.addMembers.length +
    plan.removeMembers.length +
    plan.deleteGroups.length;
  return plan;
}
