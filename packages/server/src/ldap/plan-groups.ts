import {
  canonicalAddress,
  type Membership,
  type SourceGroup,
  type SyncGroupCreate,
  type SyncGroupUpdate,
} from '../directory/index.js';
import { normalizeDn } from './dn.js';
import type { DirectoryGroup } from './entry.js';
import type { PlanContext } from './plan-types.js';
import type { UsersPlan } from './plan-users.js';

export interface GroupsPlan {
  createGroups: SyncGroupCreate[];
  updateGroups: SyncGroupUpdate[];
  deleteGroups: string[];
  addMembers: Membership[];
  removeMembers: Membership[];
  /** Existing users whose department changes. */
  departmentChanged: Set<string>;
}

/** A department's id in its source: its path, lower-cased (directories compare names that way). */
export const departmentKey = (path: string[]): string =>
  `dept:${path.map((s) => encodeURIComponent(s.toLowerCase())).join('/')}`;

const byDn = <T extends { dn: string }>(a: T, b: T) => (a.dn < b.dn ? -1 : a.dn > b.dn ? 1 : 0);

/**
 * Departments (from the OU tree or an attribute) and directory groups, and
 * the memberships of the source's users in them. Members that are local
 * users, added by an admin, are never touched; neither are local groups.
 */
export function planGroups(ctx: PlanContext, users: UsersPlan, groups: DirectoryGroup[] | null): GroupsPlan {
  const out: GroupsPlan = {
    createGroups: [],
    updateGroups: [],
    deleteGroups: [],
    addMembers: [],
    removeMembers: [],
    departmentChanged: new Set(),
  };
  const existing = new Map(ctx.currentGroups.map((g) => [g.externalId, g]));
  planDepartments(ctx, users, existing, out);
  if (groups) planDirectoryGroups(ctx, users, groups, existing, out);
  ctx.report.report.counts.membershipsAdded = out.addMembers.length;
  ctx.report.report.counts.membershipsRemoved = out.removeMembers.length;
  return out;
}

/** The department paths of the users present this run, every prefix a node: key → node, and user → key. */
function desiredDepartments(ctx: PlanContext, users: UsersPlan) {
  const nodes = new Map<string, { name: string; parentKey: string | null; depth: number }>();
  const userDept = new Map<string, string>();
  if (ctx.source.departments === 'none') return { nodes, userDept };
  for (const [userId, entry] of users.kept) {
    const path = entry.department;
    if (!path.length) continue;
    for (let i = 1; i <= path.length; i++) {
      const key = departmentKey(path.slice(0, i));
      if (!nodes.has(key))
        nodes.set(key, {
          name: path[i - 1] as string,
          parentKey: i > 1 ? departmentKey(path.slice(0, i - 1)) : null,
          depth: i,
        });
    }
    userDept.set(userId, departmentKey(path));
  }
  return { nodes, userDept };
}

/** The department tree (created parents first, deleted children first) and who is in which department. */
function planDepartments(
  ctx: PlanContext,
  users: UsersPlan,
  existing: Map<string, SourceGroup>,
  out: GroupsPlan,
) {
  const { report, source } = ctx;
  const { nodes, userDept } = desiredDepartments(ctx, users);
  const deptIds = new Map<string, string>();
  for (const [key, d] of [...nodes].sort((a, b) => a[1].depth - b[1].depth)) {
    const ex = existing.get(key);
    const parentId = d.parentKey ? (deptIds.get(d.parentKey) ?? null) : null;
    if (!ex) {
      const id = ctx.newId();
      deptIds.set(key, id);
      out.createGroups.push({
        id,
        domain: source.domain,
        externalId: key,
        kind: 'department',
        name: d.name,
        parentId,
        address: null,
      });
      report.group('create', { name: d.name, kind: 'department' });
      continue;
    }
    deptIds.set(key, ex.id);
    if (ex.name !== d.name || ex.parentId !== parentId) {
      out.updateGroups.push({ id: ex.id, name: d.name, parentId });
      report.group('update', { name: d.name, kind: 'department' });
    }
  }
  const departments = ctx.currentGroups.filter((g) => g.kind === 'department');
  if (ctx.mode === 'full') {
    const gone = departments
      .filter((g) => !nodes.has(g.externalId))
      .sort((a, b) => b.externalId.split('/').length - a.externalId.split('/').length);
    for (const g of gone) {
      out.deleteGroups.push(g.id);
      report.group('delete', { name: g.name, kind: 'department' });
    }
  }
  // Membership of the users present this run (absent ones keep theirs until the department goes).
  const created = new Set(users.creates.map((u) => u.id));
  const currentDepts = new Map<string, string[]>();
  for (const g of departments)
    for (const u of g.memberIds) currentDepts.set(u, [...(currentDepts.get(u) ?? []), g.id]);
  for (const userId of users.kept.keys()) {
    const key = userDept.get(userId);
    const want = key ? deptIds.get(key) : undefined;
    const have = currentDepts.get(userId) ?? [];
    for (const g of have) if (g !== want) out.removeMembers.push({ groupId: g, userId });
    if (want && !have.includes(want)) out.addMembers.push({ groupId: want, userId });
    if (!created.has(userId) && (have.length !== (want ? 1 : 0) || (want && !have.includes(want))))
      out.departmentChanged.add(userId);
  }
}

function planDirectoryGroups(
  ctx: PlanContext,
  users: UsersPlan,
  groups: DirectoryGroup[],
  existing: Map<string, SourceGroup>,
  out: GroupsPlan,
): void {
  const { report, source } = ctx;
  const full = ctx.mode === 'full';
  // Member DNs → users: in an incremental run unchanged users are known by the DN of their last sync.
  const dnIndex = new Map<string, string>();
  if (!full) for (const u of ctx.current) if (u.dn) dnIndex.set(normalizeDn(u.dn), u.id);
  for (const [id, entry] of users.kept) dnIndex.set(normalizeDn(entry.dn), id);

  const seen = new Set<string>();
  for (const g of [...groups].sort(byDn)) {
    const ex = existing.get(g.externalId);
    if (ex && ex.kind !== 'group') continue;
    seen.add(g.externalId);
    const address = groupAddress(ctx, g, ex, users.claimed);
    const members = new Set(
      g.memberDns.map((dn) => dnIndex.get(normalizeDn(dn))).filter((id): id is string => !!id),
    );
    if (!ex) {
      const id = ctx.newId();
      out.createGroups.push({
        id,
        domain: source.domain,
        externalId: g.externalId,
        kind: 'group',
        name: g.name,
        parentId: null,
        address,
      });
      report.group('create', { name: g.name, kind: 'group' });
      for (const userId of members) out.addMembers.push({ groupId: id, userId });
      continue;
    }
    if (ex.name !== g.name || ex.address !== address) {
      out.updateGroups.push({ id: ex.id, name: g.name, address });
      report.group('update', { name: g.name, kind: 'group' });
    }
    for (const userId of members)
      if (!ex.memberIds.includes(userId)) out.addMembers.push({ groupId: ex.id, userId });
    for (const userId of ex.memberIds)
      if (!members.has(userId)) out.removeMembers.push({ groupId: ex.id, userId });
  }
  if (full) {
    for (const g of ctx.currentGroups) {
      if (g.kind !== 'group' || seen.has(g.externalId)) continue;
      out.deleteGroups.push(g.id);
      report.group('delete', { name: g.name, kind: 'group' });
    }
  }
}

/** The group's address if it is valid, in the source's domain and free; else null (reported). */
function groupAddress(
  ctx: PlanContext,
  g: DirectoryGroup,
  ex: SourceGroup | undefined,
  claimed: Map<string, string>,
): string | null {
  if (!g.address) return null;
  const a = canonicalAddress(g.address);
  if (!a) {
    ctx.report.skipped({ dn: g.dn, reason: `group address "${g.address}" is not valid; kept without one` });
    return null;
  }
  if (a.domain !== ctx.source.domain) {
    ctx.report.skipped({
      dn: g.dn,
      reason: `group address ${a.address} is not in ${ctx.source.domain}; kept without one`,
    });
    return null;
  }
  const claimedBy = claimed.get(a.address);
  const owner = ctx.owners.get(a.address);
  const own = ex !== undefined && ex.address === a.address;
  if (claimedBy !== undefined || (owner && !own)) {
    ctx.report.conflict({
      address: a.address,
      dn: g.dn,
      reason: claimedBy
        ? `it is also the address of ${claimedBy} in this directory`
        : 'the address is in use',
    });
    return null;
  }
  claimed.set(a.address, g.dn);
  return a.address;
}
