import {
  type AddressOwner,
  canonicalAddress,
  type SourceUser,
  type SyncUserCreate,
  type SyncUserUpdate,
} from '../directory/index.js';
import type { DirectoryUser } from './entry.js';
import type { PlanContext, UserEventType } from './plan-types.js';

/** What the users part of a plan decides, before departments and groups are added. */
export interface UsersPlan {
  creates: SyncUserCreate[];
  updates: SyncUserUpdate[];
  /** Aliases to drop before anything else moves (so an address can pass to another user in one run). */
  releases: { userId: string; keep: string[] }[];
  /** Every user present in the directory this run (created or matched): jdmail id → entry. */
  kept: Map<string, DirectoryUser>;
  /** Users whose changed fields the report and events name (department is added later). */
  changes: Map<string, string[]>;
  events: Map<string, UserEventType>;
  /** Addresses claimed this run → the DN that claimed them (users first, then groups). */
  claimed: Map<string, string>;
  disableCount: number;
  /** Users of the source enabled before this run: the base of the safety stop. */
  syncedUsers: number;
}

/** Why an address cannot be given to an entry, in words for the report. */
function ownerReason(owner: AddressOwner, source: string): string {
  if (owner.kind === 'group')
    return owner.source
      ? `it is the address of a group synced from ${owner.source}`
      : 'it is the address of a group';
  const what = owner.kind === 'alias' ? 'an alias of' : 'the address of';
  if (owner.source === null) return `it is ${what} a local user`;
  if (owner.source === source) return `it is ${what} another entry of this directory`;
  return `it is ${what} a user synced from ${owner.source}`;
}

interface Normalized {
  entry: DirectoryUser;
  address: string;
  domain: string;
  aliases: string[];
}

/** Canonical, local addresses of an entry; a reason when its primary one is unusable. */
function normalize(entry: DirectoryUser, ctx: PlanContext): Normalized | string {
  if (!entry.address) return 'the entry has no mail address';
  const primary = canonicalAddress(entry.address);
  if (!primary) return `"${entry.address}" is not a valid mail address`;
  if (!ctx.localDomains.has(primary.domain)) return `domain ${primary.domain} is not served here`;
  const aliases = new Set<string>();
  for (const raw of entry.aliases) {
    const a = canonicalAddress(raw);
    // Addresses in other domains (common in AD proxyAddresses) simply do not apply here.
    if (a && a.address !== primary.address && ctx.localDomains.has(a.domain)) aliases.add(a.address);
  }
  return { entry, address: primary.address, domain: primary.domain, aliases: [...aliases].sort() };
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Entries by DN (a stable order for reports and "first one wins"), each normalized or skipped. */
function normalizeAll(ctx: PlanContext, entries: DirectoryUser[]): Normalized[] {
  const usable: Normalized[] = [];
  for (const entry of [...entries].sort((a, b) => (a.dn < b.dn ? -1 : a.dn > b.dn ? 1 : 0))) {
    const n = normalize(entry, ctx);
    if (typeof n === 'string') ctx.report.skipped({ dn: entry.dn, reason: n });
    else usable.push(n);
  }
  return usable;
}

/**
 * Entries → the users they are: by external id; in a full run, an entry
 * re-created in the directory (new id, same address) takes over the user
 * that held the address if that user's own entry is gone.
 */
function matchEntries(ctx: PlanContext, usable: Normalized[]): Map<Normalized, SourceUser> {
  const byExt = new Map(ctx.current.map((u) => [u.externalId, u]));
  const byId = new Map(ctx.current.map((u) => [u.id, u]));
  const present = new Set(usable.map((n) => n.entry.externalId));
  const matched = new Map<Normalized, SourceUser>();
  const adopted = new Set<string>();
  for (const n of usable) {
    let user = byExt.get(n.entry.externalId);
    if (!user && ctx.mode === 'full') {
      const owner = ctx.owners.get(n.address);
      const holder =
        owner?.kind === 'user' && owner.source === ctx.source.name ? byId.get(owner.userId ?? '') : undefined;
      if (holder && !present.has(holder.externalId) && !adopted.has(holder.id)) {
        user = holder;
        adopted.add(holder.id);
      }
    }
    if (user) matched.set(n, user);
  }
  return matched;
}

/** Addresses matched users give up this run: they may pass to another entry of the same source. */
function releasedAddresses(matched: Map<Normalized, SourceUser>): Set<string> {
  const released = new Set<string>();
  for (const [n, user] of matched) {
    const wanted = new Set([n.address, ...n.aliases]);
    for (const a of [user.address, ...user.aliases]) if (!wanted.has(a)) released.add(a);
  }
  return released;
}

type HolderCheck = (address: string, user: SourceUser | undefined) => string | null;

/** Why `user` (undefined: a new one) may not have `address`, or null when it may. */
function holderCheck(ctx: PlanContext, plan: UsersPlan, released: Set<string>): HolderCheck {
  return (address, user) => {
    const claimedBy = plan.claimed.get(address);
    if (claimedBy !== undefined) return `it is also the address of ${claimedBy} in this directory`;
    const owner = ctx.owners.get(address);
    if (!owner || (user && owner.userId === user.id)) return null;
    if (owner.source === ctx.source.name && owner.kind !== 'group' && released.has(address)) return null;
    return ownerReason(owner, ctx.source.name);
  };
}

/** The entry's address and aliases it may have; conflicts reported. Null: a new user whose address is taken. */
function claim(
  ctx: PlanContext,
  plan: UsersPlan,
  n: Normalized,
  user: SourceUser | undefined,
  mayHold: HolderCheck,
): { address: string; aliases: string[] } | null {
  const dn = n.entry.dn;
  let address = n.address;
  const problem = mayHold(address, user);
  if (problem) {
    ctx.report.conflict({ address, dn, reason: problem });
    if (!user) return null;
    address = user.address; // keep the address it has
  }
  plan.claimed.set(address, dn);
  const aliases: string[] = [];
  for (const a of n.aliases) {
    const why = mayHold(a, user);
    if (why) ctx.report.conflict({ address: a, dn, reason: why });
    else {
      aliases.push(a);
      plan.claimed.set(a, dn);
    }
  }
  return { address, aliases };
}

/** Disables `user` now, or once the grace period since they were first missed has passed. */
function disableOrWait(
  ctx: PlanContext,
  plan: UsersPlan,
  user: SourceUser,
  reason: string,
  update: SyncUserUpdate,
) {
  const { now, source } = ctx;
  const since = user.missingSince ?? now;
  if (now - since >= source.disableGraceMs) {
    Object.assign(update, { enabled: false, syncDisabled: true, missingSince: since });
    plan.events.set(user.id, 'user.disabled');
    plan.disableCount += 1;
    ctx.report.user('disable', { address: user.address, dn: user.dn, reason });
  } else {
    if (user.missingSince === null) update.missingSince = since;
    ctx.report.user('pendingDisable', {
      address: user.address,
      dn: user.dn,
      reason,
      disableAt: since + source.disableGraceMs,
    });
  }
}

/** The fields of an existing user the directory changes, and their names for the report. */
function fieldChanges(user: SourceUser, entry: DirectoryUser, address: string, aliases: string[]) {
  const update: SyncUserUpdate = { id: user.id };
  const changes: string[] = [];
  if (address !== user.address) {
    update.address = address;
    update.domain = address.slice(address.lastIndexOf('@') + 1);
    changes.push('address');
  }
  if (entry.displayName !== user.displayName) {
    update.displayName = entry.displayName;
    changes.push('displayName');
  }
  if (!sameList(aliases, [...user.aliases].sort())) {
    update.aliases = aliases;
    changes.push('aliases');
  }
  if (entry.externalId !== user.externalId) {
    update.externalId = entry.externalId;
    changes.push('externalId');
  }
  if (entry.dn !== user.dn) {
    update.dn = entry.dn;
    changes.push('dn');
  }
  return { update, changes };
}

function planExisting(
  ctx: PlanContext,
  plan: UsersPlan,
  n: Normalized,
  user: SourceUser,
  address: string,
  aliases: string[],
) {
  plan.kept.set(user.id, n.entry);
  const { update, changes } = fieldChanges(user, n.entry, address, aliases);
  if (update.aliases)
    plan.releases.push({ userId: user.id, keep: aliases.filter((a) => user.aliases.includes(a)) });
  if (changes.length) plan.changes.set(user.id, changes);
  if (n.entry.disabled) {
    if (user.enabled) disableOrWait(ctx, plan, user, 'disabled in the directory', update);
  } else if (!user.enabled && user.syncDisabled) {
    Object.assign(update, { enabled: true, syncDisabled: false, missingSince: null });
    plan.events.set(user.id, 'user.enabled');
    ctx.report.user('enable', { address, dn: n.entry.dn });
  } else if (user.missingSince !== null) update.missingSince = null;
  if (Object.keys(update).length > 1) plan.updates.push(update);
}

function planNew(ctx: PlanContext, plan: UsersPlan, n: Normalized, address: string, aliases: string[]) {
  const id = ctx.newId();
  const { dn, displayName, externalId } = n.entry;
  plan.creates.push({
    id,
    address,
    domain: address.slice(address.lastIndexOf('@') + 1),
    displayName,
    externalId,
    dn,
    aliases,
  });
  plan.kept.set(id, n.entry);
  plan.events.set(id, 'user.created');
  ctx.report.user('create', { address, dn, displayName });
}

/**
 * Decides, per directory entry, create / update / disable / enable, and in a
 * full run disables users the directory no longer has. Conflicts (an address
 * held by someone else) are reported, never taken. Grace: a user missing or
 * disabled in the directory is disabled once `disableGraceMs` has passed
 * since it was first noticed.
 */
export function planUsers(ctx: PlanContext, entries: DirectoryUser[]): UsersPlan {
  const plan: UsersPlan = {
    creates: [],
    updates: [],
    releases: [],
    kept: new Map(),
    changes: new Map(),
    events: new Map(),
    claimed: new Map(),
    disableCount: 0,
    syncedUsers: ctx.current.filter((u) => u.enabled).length,
  };
  const usable = normalizeAll(ctx, entries);
  const matched = matchEntries(ctx, usable);
  const mayHold = holderCheck(ctx, plan, releasedAddresses(matched));
  for (const n of usable) {
    const user = matched.get(n);
    if (!user && n.entry.disabled) {
      ctx.report.skipped({ dn: n.entry.dn, reason: 'disabled in the directory' });
      continue;
    }
    const held = claim(ctx, plan, n, user, mayHold);
    if (!held) continue;
    if (user) planExisting(ctx, plan, n, user, held.address, held.aliases);
    else planNew(ctx, plan, n, held.address, held.aliases);
  }
  if (ctx.mode === 'full') {
    for (const user of ctx.current) {
      if (plan.kept.has(user.id) || !user.enabled) continue;
      const update: SyncUserUpdate = { id: user.id };
      disableOrWait(ctx, plan, user, 'removed from the directory', update);
      if (Object.keys(update).length > 1) plan.updates.push(update);
    }
  }
  // Address changes first: an address one user gives up may be another's new alias in the same batch.
  plan.updates.sort((a, b) => Number(b.address !== undefined) - Number(a.address !== undefined));
  return plan;
}
