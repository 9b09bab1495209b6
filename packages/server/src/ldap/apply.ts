import type { DirectorySyncTarget, SyncBatch } from '../directory/index.js';
import { AppError } from '../shared/index.js';
import type { EventSink } from './events.js';
import type { PlannedEvent, SyncPlan } from './plan.js';

/** Users per transaction: big enough that 100,000 users take a few hundred commits, small enough to keep locks short. */
export const USER_BATCH = 500;
const MEMBERSHIP_BATCH = 2000;

interface Step {
  batch: SyncBatch;
  ops: number;
  userIds: string[];
}

function chunked<T>(items: T[], size: number, make: (part: T[]) => Step): Step[] {
  const out: Step[] = [];
  for (let i = 0; i < items.length; i += size) out.push(make(items.slice(i, i + size)));
  return out;
}

/** The plan as transactions, in an order that keeps every step valid on its own. */
function steps(plan: SyncPlan): Step[] {
  const out: Step[] = [];
  if (plan.createGroups.length || plan.updateGroups.length)
    out.push({
      batch: { createGroups: plan.createGroups, updateGroups: plan.updateGroups },
      ops: plan.createGroups.length + plan.updateGroups.length,
      userIds: [],
    });
  out.push(
    ...chunked(plan.releaseAliases, USER_BATCH, (p) => ({
      batch: { releaseAliases: p },
      ops: p.length,
      userIds: [],
    })),
    ...chunked(plan.updateUsers, USER_BATCH, (p) => ({
      batch: { updateUsers: p },
      ops: p.length,
      userIds: p.map((u) => u.id),
    })),
    ...chunked(plan.createUsers, USER_BATCH, (p) => ({
      batch: { createUsers: p },
      ops: p.length,
      userIds: p.map((u) => u.id),
    })),
    ...chunked(plan.addMembers, MEMBERSHIP_BATCH, (p) => ({
      batch: { addMembers: p },
      ops: p.length,
      userIds: [],
    })),
    ...chunked(plan.removeMembers, MEMBERSHIP_BATCH, (p) => ({
      batch: { removeMembers: p },
      ops: p.length,
      userIds: [],
    })),
  );
  if (plan.deleteGroups.length)
    out.push({ batch: { deleteGroups: plan.deleteGroups }, ops: plan.deleteGroups.length, userIds: [] });
  return out;
}

export interface ApplyOptions {
  source: string;
  emit: EventSink;
  onProgress: (done: number, total: number) => void;
  signal?: AbortSignal;
  now?: () => number;
}

/**
 * Applies a plan one transaction at a time and announces each user's events
 * once the transaction holding their change has committed. A failure stops
 * at the failing step; what committed before stays, and the next run
 * continues from there (a plan is recomputed from the current state).
 */
export async function applyPlan(
  target: DirectorySyncTarget,
  plan: SyncPlan,
  options: ApplyOptions,
): Promise<void> {
  const now = options.now ?? Date.now;
  const pending = new Map<string, PlannedEvent[]>();
  for (const e of plan.events) pending.set(e.userId, [...(pending.get(e.userId) ?? []), e]);
  const announce = (userId: string) => {
    for (const e of pending.get(userId) ?? [])
      options.emit({
        type: e.type,
        at: now(),
        user: { id: e.userId, address: e.address },
        source: options.source,
        ...(e.changes ? { changes: e.changes } : {}),
      });
    pending.delete(userId);
  };
  let done = 0;
  for (const step of steps(plan)) {
    if (options.signal?.aborted)
      throw new AppError('UNAVAILABLE', 'the sync was stopped (server shutting down)');
    await target.apply(options.source, step.batch);
    done += step.ops;
    options.onProgress(done, plan.size);
    for (const id of step.userIds) announce(id);
  }
  // Changes carried only by memberships (a department move) are committed by now.
  for (const id of [...pending.keys()]) announce(id);
}
