import { type DirectorySyncTarget, type SyncBatch, userEvent } from '../directory/index.js';
import { AppError } from '../shared/index.js';
import type { NewEvent } from '../store/index.js';
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

/** The plan's user events as the event log takes them, by user id. */
function logEvents(plan: SyncPlan, source: string): Map<string, NewEvent[]> {
  const names = new Map(plan.createUsers.map((u) => [u.id, u.displayName]));
  const out = new Map<string, NewEvent[]>();
  for (const e of plan.events) {
    const user = { address: e.address, source };
    const data =
      e.type === 'user.created'
        ? { displayName: names.get(e.userId) ?? '', enabled: true }
        : e.type === 'user.updated'
          ? { changes: e.changes ?? [] }
          : {};
    out.set(e.userId, [...(out.get(e.userId) ?? []), userEvent(e.type, user, data)]);
  }
  return out;
}

/** The users whose changes a step carries: its users, or the members its memberships move. */
const usersOf = (step: Step) => [
  ...step.userIds,
  ...(step.batch.addMembers ?? []).map((m) => m.userId),
  ...(step.batch.removeMembers ?? []).map((m) => m.userId),
];

export interface ApplyOptions {
  source: string;
  /** Told after each commit of the user events it wrote to the event log (tests; the log is the record). */
  emit?: EventSink;
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
      options.emit?.({
        type: e.type,
        at: now(),
        user: { id: e.userId, address: e.address },
        source: options.source,
        ...(e.changes ? { changes: e.changes } : {}),
      });
    pending.delete(userId);
  };
  // Each user's events go into the transaction of the first step that changes them; the last
  // step takes whatever is left (a change carried by a membership of an earlier step, say).
  const unwritten = logEvents(plan, options.source);
  const all = steps(plan);
  let done = 0;
  for (const [i, step] of all.entries()) {
    if (options.signal?.aborted)
      throw new AppError('UNAVAILABLE', 'the sync was stopped (server shutting down)');
    const ids = i === all.length - 1 ? [...unwritten.keys()] : usersOf(step);
    const events = ids.flatMap((id) => unwritten.get(id) ?? []);
    for (const id of ids) unwritten.delete(id);
    await target.apply(options.source, events.length > 0 ? { ...step.batch, events } : step.batch);
    done += step.ops;
    options.onProgress(done, plan.size);
    for (const id of step.userIds) announce(id);
  }
  // Changes carried only by memberships (a department move) are committed by now.
  for (const id of [...pending.keys()]) announce(id);
}
